/**
 * A minimal DICOM writer for test fixtures: it turns a list of elements into real DICOM
 * bytes (PS3.10 Part 10 file, or a "raw" dataset without preamble/meta as some old exports
 * write). It knows only what the fixtures need: the VRs below, sequences, native and
 * encapsulated pixel data, and the transfer syntaxes in `TransferSyntax`.
 *
 * It does not validate an IOD; the generator decides which attributes a file carries.
 * What it does guarantee is byte-level correctness: element order, even value lengths with
 * the right padding byte, VR-dependent header layout, group length of the meta header,
 * byte order, deflate, and the encapsulation item structure.
 */
import { deflateSync } from 'fflate';

export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  /** JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1). */
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEGLSLossless: '1.2.840.10008.1.2.4.80',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  RLELossless: '1.2.840.10008.1.2.5',
} as const;

export type TransferSyntaxUID = (typeof TransferSyntax)[keyof typeof TransferSyntax];

/** Syntaxes whose Pixel Data is a sequence of compressed fragments rather than raw words. */
export function isEncapsulated(ts: string): boolean {
  return (
    ts === TransferSyntax.JPEGLosslessSV1 ||
    ts === TransferSyntax.JPEGLSLossless ||
    ts === TransferSyntax.JPEG2000Lossless ||
    ts === TransferSyntax.RLELossless
  );
}

export type VR =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT'
  | 'OB' | 'OD' | 'OF' | 'OL' | 'OW' | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST' | 'TM'
  | 'UC' | 'UI' | 'UL' | 'UN' | 'UR' | 'US' | 'UT';

/**
 * Compressed frames for Pixel Data in an encapsulated transfer syntax. Written as: undefined
 * length, a Basic Offset Table item (filled when there is more than one frame, empty for one),
 * one fragment item per frame, then a sequence delimiter.
 */
export interface EncapsulatedFrames {
  kind: 'encapsulated';
  frames: Uint8Array[];
}

export function encapsulated(frames: Uint8Array[]): EncapsulatedFrames {
  return { kind: 'encapsulated', frames };
}

/** A sequence item is a dataset of its own. */
export type DicomItem = DicomElement[];

/**
 * Element values by VR:
 * - text VRs (CS, LO, UI, DA, PN...): a string; several values joined with "\\".
 * - DS, IS: a string or numbers (formatted with `formatDS` / integers).
 * - US, SS, UL, SL, FL, FD: numbers; AT: tags as 0xGGGGEEEE numbers.
 * - OB, UN: bytes. OW: 16-bit words as Uint16Array/Int16Array (swapped for big endian), or
 *   bytes already in little-endian word order.
 * - SQ: a list of items.
 * - Pixel Data in an encapsulated syntax: `encapsulated(frames)`.
 */
export type ElementValue =
  | string
  | number[]
  | Uint8Array
  | Uint16Array
  | Int16Array
  | DicomItem[]
  | EncapsulatedFrames;

export interface DicomElement {
  /** Group and element as one number, 0xGGGGEEEE (e.g. 0x00100010 for PatientName). */
  tag: number;
  vr: VR;
  value: ElementValue;
  /** SQ only: write the sequence and its items with undefined length and delimiters. */
  undefinedLength?: boolean;
}

export interface WriteOptions {
  transferSyntaxUID: TransferSyntaxUID;
  /** true (default): 128-byte preamble, "DICM", group 0002 meta header. false: the dataset only. */
  part10?: boolean;
  /** Defaults to the dataset's SOPClassUID (0008,0016). */
  mediaStorageSOPClassUID?: string;
  /** Defaults to the dataset's SOPInstanceUID (0008,0018). */
  mediaStorageSOPInstanceUID?: string;
  implementationClassUID?: string;
  implementationVersionName?: string;
}

/** Our own implementation UID (a 2.25 UUID-derived UID, fixed so fixtures are reproducible). */
export const IMPLEMENTATION_CLASS_UID = '2.25.305828408451371578126410931823650093217';
export const IMPLEMENTATION_VERSION_NAME = 'SPINELENS_FIX1';

export const Tags = {
  FileMetaInformationGroupLength: 0x00020000,
  FileMetaInformationVersion: 0x00020001,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
  TransferSyntaxUID: 0x00020010,
  ImplementationClassUID: 0x00020012,
  ImplementationVersionName: 0x00020013,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  PixelData: 0x7fe00010,
  Item: 0xfffee000,
  ItemDelimitationItem: 0xfffee00d,
  SequenceDelimitationItem: 0xfffee0dd,
} as const;

const UNDEFINED_LENGTH = 0xffffffff;

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 7.1.2). */
const LONG_VRS = new Set<VR>(['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

/** Text VRs padded with a space to even length (UI is padded with NUL instead). */
const TEXT_VRS = new Set<VR>([
  'AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UR', 'UT',
]);

/**
 * Decimal String: at most 16 characters (PS3.5 6.2). Integers stay as they are; other values
 * get the most significant digits that fit. Writers that print 17 digits produce files some
 * readers reject, so the generator formats every DS through here and samples the phantom at
 * the value read back (`Number(formatDS(x))`), keeping the files self-consistent.
 */
export function formatDS(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`DS value must be finite, got ${value}`);
  if (Object.is(value, -0) || Math.abs(value) < 1e-12) return '0';
  if (Number.isInteger(value) && String(value).length <= 16) return String(value);
  for (let digits = 15; digits >= 1; digits--) {
    let s = value.toPrecision(digits);
    if (s.includes('e')) {
      // toPrecision may switch to exponent form; DS allows it, but keep the plain form short.
      s = String(Number(s));
    } else if (s.includes('.')) {
      s = s.replace(/0+$/, '').replace(/\.$/, '');
    }
    if (s.length <= 16) return s;
  }
  throw new Error(`cannot format ${value} as DS`);
}

// ---------------------------------------------------------------------------------------------
// Low-level byte assembly. Each encoder returns a list of chunks; they are joined once at the end.

class ChunkList {
  chunks: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  pushAll(other: ChunkList): void {
    for (const c of other.chunks) this.push(c);
  }
  join(): Uint8Array {
    return concatBytes(this.chunks, this.length);
  }
}

export function concatBytes(chunks: Uint8Array[], totalLength?: number): Uint8Array {
  const total = totalLength ?? chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

interface Encoding {
  littleEndian: boolean;
  explicitVR: boolean;
}

const textEncoder = new TextEncoder();

function tagHeader(tag: number, enc: Encoding): Uint8Array {
  const b = new Uint8Array(4);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tag >>> 16, enc.littleEndian);
  dv.setUint16(2, tag & 0xffff, enc.littleEndian);
  return b;
}

/** Item, item delimiter and sequence delimiter headers: tag + 32-bit length, never a VR. */
function itemHeader(tag: number, length: number, enc: Encoding): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tag >>> 16, enc.littleEndian);
  dv.setUint16(2, tag & 0xffff, enc.littleEndian);
  dv.setUint32(4, length, enc.littleEndian);
  return b;
}

function elementHeader(tag: number, vr: VR, length: number, enc: Encoding): Uint8Array {
  if (!enc.explicitVR) {
    const b = new Uint8Array(8);
    b.set(tagHeader(tag, enc), 0);
    new DataView(b.buffer).setUint32(4, length, enc.littleEndian);
    return b;
  }
  if (LONG_VRS.has(vr)) {
    const b = new Uint8Array(12);
    b.set(tagHeader(tag, enc), 0);
    b[4] = vr.charCodeAt(0);
    b[5] = vr.charCodeAt(1);
    // bytes 6-7 reserved, zero
    new DataView(b.buffer).setUint32(8, length, enc.littleEndian);
    return b;
  }
  if (length > 0xffff) {
    throw new Error(`element ${tagString(tag)} ${vr} is ${length} bytes: too long for a 16-bit length`);
  }
  const b = new Uint8Array(8);
  b.set(tagHeader(tag, enc), 0);
  b[4] = vr.charCodeAt(0);
  b[5] = vr.charCodeAt(1);
  new DataView(b.buffer).setUint16(6, length, enc.littleEndian);
  return b;
}

export function tagString(tag: number): string {
  const hex = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** Pads to even length: UI with NUL, text with space, binary with zero (PS3.5 6.2, 7.1). */
function padEven(bytes: Uint8Array, vr: VR): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes);
  padded[bytes.length] = vr === 'UI' ? 0x00 : TEXT_VRS.has(vr) ? 0x20 : 0x00;
  return padded;
}

function numbersToBytes(vr: VR, values: number[], enc: Encoding): Uint8Array {
  const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => {
    const o = i * size;
    switch (vr) {
      case 'US': dv.setUint16(o, v, enc.littleEndian); break;
      case 'SS': dv.setInt16(o, v, enc.littleEndian); break;
      case 'UL': dv.setUint32(o, v, enc.littleEndian); break;
      case 'SL': dv.setInt32(o, v, enc.littleEndian); break;
      case 'FL': dv.setFloat32(o, v, enc.littleEndian); break;
      case 'FD': dv.setFloat64(o, v, enc.littleEndian); break;
      case 'AT':
        dv.setUint16(o, v >>> 16, enc.littleEndian);
        dv.setUint16(o + 2, v & 0xffff, enc.littleEndian);
        break;
      default: throw new Error(`numbers are not a binary value for VR ${vr}`);
    }
  });
  return out;
}

/** 16-bit words in the dataset's byte order. Little-endian hosts need no copy for LE output. */
function wordsToBytes(words: Uint16Array | Int16Array | Uint8Array, enc: Encoding): Uint8Array {
  const bytes =
    words instanceof Uint8Array ? words : new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  // A Uint8Array OW value is defined as little-endian word order already.
  const sourceLittleEndian = words instanceof Uint8Array ? true : hostLittleEndian;
  if (sourceLittleEndian === enc.littleEndian) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1];
    swapped[i + 1] = bytes[i];
  }
  return swapped;
}

function valueBytes(el: DicomElement, enc: Encoding): Uint8Array {
  const { vr, value } = el;
  if (typeof value === 'string') {
    if (!TEXT_VRS.has(vr) && vr !== 'UI') throw new Error(`${tagString(el.tag)}: string value for VR ${vr}`);
    return padEven(textEncoder.encode(value), vr);
  }
  if (Array.isArray(value)) {
    if (vr === 'DS') return padEven(textEncoder.encode((value as number[]).map(formatDS).join('\\')), vr);
    if (vr === 'IS') {
      return padEven(textEncoder.encode((value as number[]).map((v) => String(Math.round(v))).join('\\')), vr);
    }
    return numbersToBytes(vr, value as number[], enc);
  }
  if (value instanceof Uint8Array && vr !== 'OW') return padEven(value, vr);
  if (value instanceof Uint8Array || value instanceof Uint16Array || value instanceof Int16Array) {
    if (vr !== 'OW') throw new Error(`${tagString(el.tag)}: word array for VR ${vr}`);
    return padEven(wordsToBytes(value, enc), vr);
  }
  throw new Error(`${tagString(el.tag)}: unsupported value for VR ${vr}`);
}

function encodeSequence(el: DicomElement, items: DicomItem[], enc: Encoding): ChunkList {
  const body = new ChunkList();
  for (const item of items) {
    const itemBody = encodeDataset(item, enc);
    if (el.undefinedLength) {
      body.push(itemHeader(Tags.Item, UNDEFINED_LENGTH, enc));
      body.pushAll(itemBody);
      body.push(itemHeader(Tags.ItemDelimitationItem, 0, enc));
    } else {
      body.push(itemHeader(Tags.Item, itemBody.length, enc));
      body.pushAll(itemBody);
    }
  }
  const out = new ChunkList();
  if (el.undefinedLength) {
    out.push(elementHeader(el.tag, 'SQ', UNDEFINED_LENGTH, enc));
    out.pushAll(body);
    out.push(itemHeader(Tags.SequenceDelimitationItem, 0, enc));
  } else {
    out.push(elementHeader(el.tag, 'SQ', body.length, enc));
    out.pushAll(body);
  }
  return out;
}

/**
 * Encapsulated Pixel Data (PS3.5 A.4): OB with undefined length; the first item is the Basic
 * Offset Table, then one fragment per frame (padded to even length with a zero byte, which
 * JPEG/JPEG-LS/J2K decoders ignore after the end-of-image marker), then a sequence delimiter.
 * The offsets are measured from the first byte of the first fragment's item header.
 */
function encodeEncapsulated(el: DicomElement, pixels: EncapsulatedFrames, enc: Encoding): ChunkList {
  const fragments = pixels.frames.map((f) => padEven(f, 'OB'));
  const offsets: number[] = [];
  let offset = 0;
  for (const f of fragments) {
    offsets.push(offset);
    offset += 8 + f.length;
  }
  const bot = fragments.length > 1 ? numbersToBytes('UL', offsets, enc) : new Uint8Array(0);
  const out = new ChunkList();
  out.push(elementHeader(el.tag, 'OB', UNDEFINED_LENGTH, enc));
  out.push(itemHeader(Tags.Item, bot.length, enc));
  out.push(bot);
  for (const f of fragments) {
    out.push(itemHeader(Tags.Item, f.length, enc));
    out.push(f);
  }
  out.push(itemHeader(Tags.SequenceDelimitationItem, 0, enc));
  return out;
}

function encodeElement(el: DicomElement, enc: Encoding): ChunkList {
  const value = el.value;
  if (el.vr === 'SQ') {
    if (!Array.isArray(value)) throw new Error(`${tagString(el.tag)}: SQ value must be a list of items`);
    return encodeSequence(el, value as DicomItem[], enc);
  }
  if (typeof value === 'object' && !Array.isArray(value) && 'kind' in value) {
    return encodeEncapsulated(el, value, enc);
  }
  const bytes = valueBytes(el, enc);
  const out = new ChunkList();
  out.push(elementHeader(el.tag, el.vr, bytes.length, enc));
  out.push(bytes);
  return out;
}

/** A dataset's elements, sorted by tag as PS3.5 7.1 requires; duplicate tags are a bug. */
function encodeDataset(elements: DicomElement[], enc: Encoding): ChunkList {
  const sorted = [...elements].sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].tag === sorted[i - 1].tag) throw new Error(`duplicate element ${tagString(sorted[i].tag)}`);
  }
  const out = new ChunkList();
  for (const el of sorted) out.pushAll(encodeElement(el, enc));
  return out;
}

/** Encodes a dataset (no meta header) in a given byte order and VR mode. Used for DICOMDIR offsets too. */
export function encodeDatasetBytes(elements: DicomElement[], transferSyntaxUID: string): Uint8Array {
  return encodeDataset(elements, encodingOf(transferSyntaxUID)).join();
}

function encodingOf(ts: string): Encoding {
  switch (ts) {
    case TransferSyntax.ImplicitVRLittleEndian:
      return { littleEndian: true, explicitVR: false };
    case TransferSyntax.ExplicitVRBigEndian:
      return { littleEndian: false, explicitVR: true };
    default:
      // Explicit VR LE, deflated (before deflation) and every encapsulated syntax.
      return { littleEndian: true, explicitVR: true };
  }
}

function findString(elements: DicomElement[], tag: number): string | undefined {
  const el = elements.find((e) => e.tag === tag);
  return typeof el?.value === 'string' ? el.value : undefined;
}

/** File Meta Information (PS3.10 7.1): always explicit VR little endian, led by its group length. */
export function encodeFileMeta(opts: {
  mediaStorageSOPClassUID: string;
  mediaStorageSOPInstanceUID: string;
  transferSyntaxUID: string;
  implementationClassUID?: string;
  implementationVersionName?: string;
}): Uint8Array {
  const enc: Encoding = { littleEndian: true, explicitVR: true };
  const rest = encodeDataset(
    [
      { tag: Tags.FileMetaInformationVersion, vr: 'OB', value: new Uint8Array([0x00, 0x01]) },
      { tag: Tags.MediaStorageSOPClassUID, vr: 'UI', value: opts.mediaStorageSOPClassUID },
      { tag: Tags.MediaStorageSOPInstanceUID, vr: 'UI', value: opts.mediaStorageSOPInstanceUID },
      { tag: Tags.TransferSyntaxUID, vr: 'UI', value: opts.transferSyntaxUID },
      { tag: Tags.ImplementationClassUID, vr: 'UI', value: opts.implementationClassUID ?? IMPLEMENTATION_CLASS_UID },
      { tag: Tags.ImplementationVersionName, vr: 'SH', value: opts.implementationVersionName ?? IMPLEMENTATION_VERSION_NAME },
    ],
    enc,
  );
  const groupLength = encodeElement({ tag: Tags.FileMetaInformationGroupLength, vr: 'UL', value: [rest.length] }, enc);
  const out = new ChunkList();
  out.pushAll(groupLength);
  out.pushAll(rest);
  return out.join();
}

/**
 * Writes a dataset as DICOM bytes in the requested transfer syntax.
 * Pixel Data must match the syntax: `encapsulated(frames)` for compressed syntaxes, OW words
 * for native ones.
 */
export function writeDicom(dataset: DicomElement[], options: WriteOptions): Uint8Array {
  const ts = options.transferSyntaxUID;
  const part10 = options.part10 ?? true;
  for (const el of dataset) {
    if (el.tag >>> 16 === 0x0002) throw new Error(`group 0002 ${tagString(el.tag)} belongs to the meta header, not the dataset`);
  }
  const pixel = dataset.find((e) => e.tag === Tags.PixelData);
  if (pixel) {
    const isEncap = typeof pixel.value === 'object' && !Array.isArray(pixel.value) && 'kind' in pixel.value;
    if (isEncap !== isEncapsulated(ts)) {
      throw new Error(`Pixel Data is ${isEncap ? 'encapsulated' : 'native'} but transfer syntax ${ts} is not`);
    }
  }

  let body = encodeDataset(dataset, encodingOf(ts)).join();
  if (ts === TransferSyntax.DeflatedExplicitVRLittleEndian) {
    if (!part10) throw new Error('a deflated dataset needs the Part 10 meta header to say so');
    // Raw DEFLATE (RFC 1951, no zlib header) of everything after the meta header (PS3.5 A.5).
    // An odd-length stream gets one trailing zero byte so the file stays even; inflaters stop
    // at the final block and ignore it.
    body = padEven(deflateSync(body, { level: 6 }), 'OB');
  }
  if (!part10) return body;

  const sopClass = options.mediaStorageSOPClassUID ?? findString(dataset, Tags.SOPClassUID);
  const sopInstance = options.mediaStorageSOPInstanceUID ?? findString(dataset, Tags.SOPInstanceUID);
  if (!sopClass || !sopInstance) throw new Error('Part 10 needs SOPClassUID and SOPInstanceUID (or the media storage options)');
  const meta = encodeFileMeta({
    mediaStorageSOPClassUID: sopClass,
    mediaStorageSOPInstanceUID: sopInstance,
    transferSyntaxUID: ts,
    implementationClassUID: options.implementationClassUID,
    implementationVersionName: options.implementationVersionName,
  });
  const preamble = new Uint8Array(132); // 128 zero bytes, then "DICM"
  preamble.set(textEncoder.encode('DICM'), 128);
  return concatBytes([preamble, meta, body]);
}
