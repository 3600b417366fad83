/** Display formatting of DICOM-style values. */

/** "DOE^JOHN^^^" → "DOE, JOHN" */
export function formatPersonName(pn: string): string {
  const parts = pn.split('^').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return '';
  return parts.length === 1 ? parts[0] : `${parts[0]}, ${parts.slice(1).join(' ')}`;
}

/** "20221208" → "2022-12-08"; anything else is shown as it is. */
export function formatDicomDate(da: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da.trim();
}

export function formatSex(cs: string): string {
  switch (cs.trim().toUpperCase()) {
    case 'M':
      return 'Male';
    case 'F':
      return 'Female';
    case 'O':
      return 'Other';
    default:
      return cs.trim();
  }
}

export function formatDimensions(d: readonly number[]): string {
  return d.join(' × ');
}

export function formatSpacing(s: readonly number[]): string {
  return `${s.map((x) => (Math.round(x * 100) / 100).toFixed(2)).join(' × ')} mm`;
}

/** Shown where a value is missing, so the header never collapses. */
export const MISSING = '—';

export function orMissing(s: string): string {
  return s.trim() ? s : MISSING;
}
