/**
 * jsPDF's standard fonts (Helvetica and friends) encode text as WinAnsi: a character outside it
 * (a Japanese patient name, "≥") comes out as garbage. Text that may hold such characters goes
 * through `winAnsiSafe` first.
 */

/** The characters WinAnsi adds in 0x80–0x9F, besides printable ASCII and Latin-1 (0xA0–0xFF). */
const winAnsiExtras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function isWinAnsi(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtras.has(ch);
}

/** Keeps WinAnsi characters, strips accents WinAnsi lacks ("ő" → "o"), and writes "?" for the rest. */
export function winAnsiSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    if (isWinAnsi(ch)) out += ch;
    else if (ch === '\n' || ch === '\t') out += ' ';
    else {
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base && [...base].every(isWinAnsi) ? base : '?';
    }
  }
  return out;
}
