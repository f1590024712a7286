/**
 * Bytes to text as libxml2 (libvirt's XML reader) reads them:
 *
 * - a byte order mark says the encoding: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE;
 *   without one, `<?` in UTF-16 or UTF-32 (libxml2's autodetection) too;
 * - otherwise the XML declaration's `encoding` is honoured: UTF-8 (also when
 *   there is none), ISO-8859-1/Latin-1, US-ASCII, and every other encoding the
 *   platform's TextDecoder knows by that name; an encoding it does not know is
 *   refused by name;
 * - decoding is strict: a byte sequence that is not valid in the encoding
 *   (bad or overlong UTF-8, an encoded surrogate, a lone UTF-16 surrogate, a
 *   code point past U+10FFFF) is an error with its line and column, never a
 *   silent U+FFFD.
 *
 * Pure (no Node built-ins): TextDecoder is in every browser and in Node.
 */
import { VirtXmlError } from './errors.js';

export interface DecodeOptions {
  /** File name, carried into error messages. */
  file?: string;
}

/** The text and the encoding it was read in (the canonical name: `UTF-8`, `UTF-16LE`, `ISO-8859-1`, …). */
export interface DecodedXml {
  text: string;
  encoding: string;
  /** A byte order mark started the bytes. */
  bom: boolean;
}

const UTF8 = 'UTF-8';

function fail(message: string, line = 1, column = 1): never {
  throw new VirtXmlError('xml-encoding', message, { line, column, path: '/' });
}

/** Line and column (1-based, characters) of byte `offset` in bytes that are valid UTF-8 before it. */
function utf8Place(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < offset; i++) if ((bytes[i]! & 0xc0) !== 0x80) column++;
  return { line, column };
}

/** Offset and reason of the first byte that is not well-formed UTF-8 (RFC 3629), or undefined. */
export function firstBadUtf8(bytes: Uint8Array): { offset: number; reason: string } | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b >= 0xe0 && b <= 0xef) (need = 2), (min = 0x800);
    else if (b >= 0xf0 && b <= 0xf4) (need = 3), (min = 0x10000);
    else if (b === 0xc0 || b === 0xc1) return { offset: i, reason: `overlong UTF-8 sequence (byte 0x${b.toString(16)})` };
    else if (b >= 0x80 && b <= 0xbf) return { offset: i, reason: `UTF-8 continuation byte 0x${b.toString(16)} without a lead byte` };
    else return { offset: i, reason: `byte 0x${b.toString(16)} is never valid in UTF-8` };
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return { offset: i, reason: 'UTF-8 sequence cut short by the end of the input' };
      if ((c & 0xc0) !== 0x80) return { offset: i, reason: `UTF-8 sequence cut short (byte 0x${c.toString(16)} where a continuation byte belongs)` };
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min) return { offset: i, reason: `overlong UTF-8 encoding of U+${cp.toString(16).toUpperCase().padStart(4, '0')}` };
    if (cp >= 0xd800 && cp <= 0xdfff) return { offset: i, reason: `UTF-8 encoding of the surrogate U+${cp.toString(16).toUpperCase()} (not a character)` };
    if (cp > 0x10ffff) return { offset: i, reason: `UTF-8 sequence past U+10FFFF` };
    i += need + 1;
  }
  return undefined;
}

/** One strict UTF-8 decoder for every call (making one per document costs more than decoding a small one). */
let utf8Decoder: InstanceType<typeof TextDecoder> | undefined;

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return (utf8Decoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(bytes);
  } catch {
    const bad = firstBadUtf8(bytes);
    const p = utf8Place(bytes, bad?.offset ?? 0);
    return fail(`input is not valid UTF-8: ${bad?.reason ?? 'invalid byte sequence'}`, p.line, p.column);
  }
}

/** Line and column of the first lone surrogate in a string, if any. */
export function loneSurrogate(text: string): { index: number; line: number; column: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    let line = 1;
    let start = 0;
    for (let k = text.indexOf('\n'); k >= 0 && k < i; k = text.indexOf('\n', k + 1)) {
      line++;
      start = k + 1;
    }
    return { index: i, line, column: i - start + 1 };
  }
  return undefined;
}

function decodeUtf16(bytes: Uint8Array, le: boolean, skip: number): string {
  if ((bytes.length - skip) % 2) fail(`input is not valid UTF-16${le ? 'LE' : 'BE'}: an odd number of bytes`);
  // code unit by code unit: TextDecoder would turn a lone surrogate into U+FFFD without saying where
  const parts: string[] = [];
  const units = new Uint16Array(Math.min(8192, (bytes.length - skip) >> 1));
  let n = 0;
  for (let i = skip; i < bytes.length; i += 2) {
    units[n++] = le ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!;
    if (n === units.length) {
      parts.push(String.fromCharCode(...units));
      n = 0;
    }
  }
  parts.push(String.fromCharCode(...units.subarray(0, n)));
  const text = parts.join('');
  const lone = loneSurrogate(text);
  if (lone) fail(`input is not valid UTF-16${le ? 'LE' : 'BE'}: a lone surrogate 0x${text.charCodeAt(lone.index).toString(16)}`, lone.line, lone.column);
  return text;
}

/** windows-1252's 0x80-0x9F (0: not a character there), decoded here: Node 20's TextDecoder reads it as Latin-1. */
const CP1252 = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c,
  0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decodeCp1252(bytes: Uint8Array, enc: string): string {
  const parts: string[] = [];
  const units = new Uint16Array(8192);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = b >= 0x80 && b <= 0x9f ? CP1252[b - 0x80]! : b;
    if (c === 0) {
      const p = utf8Place(bytes, i);
      fail(`input is not valid windows-1252 (declared encoding '${enc}'): byte 0x${b.toString(16)}`, p.line, p.column);
    }
    units[n++] = c;
    if (n === units.length) {
      parts.push(String.fromCharCode(...units));
      n = 0;
    }
  }
  parts.push(String.fromCharCode(...units.subarray(0, n)));
  return parts.join('');
}

function decodeUtf32(bytes: Uint8Array, le: boolean, skip: number): string {
  if ((bytes.length - skip) % 4) fail(`input is not valid UTF-32${le ? 'LE' : 'BE'}: a number of bytes not a multiple of 4`);
  const parts: string[] = [];
  let chunk: number[] = [];
  let line = 1;
  let column = 1;
  for (let i = skip; i < bytes.length; i += 4) {
    const cp = le
      ? (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0
      : ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(`input is not valid UTF-32${le ? 'LE' : 'BE'}: 0x${cp.toString(16)} is not a character`, line, column);
    chunk.push(cp);
    if (cp === 0x0a) (line++, (column = 1));
    else column++;
    if (chunk.length === 4096) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/** The `encoding` of an XML declaration at the start of ASCII-compatible bytes, if any. */
function declaredEncoding(bytes: Uint8Array, skip: number): string | undefined {
  // `<?xml`, checked on the bytes before any string is made of them
  if (bytes[skip] !== 0x3c || bytes[skip + 1] !== 0x3f || bytes[skip + 2] !== 0x78 || bytes[skip + 3] !== 0x6d || bytes[skip + 4] !== 0x6c) return undefined;
  const head = String.fromCharCode(...bytes.subarray(skip, skip + 200));
  const end = head.indexOf('?>');
  const decl = end >= 0 ? head.slice(0, end) : head;
  const m = /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(decl);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * Decodes the bytes of an XML document as libxml2 would (see the module
 * comment). Throws a {@link VirtXmlError} `xml-encoding`, with the line and
 * column of the first bad character where there is one.
 */
export function decodeXmlBytes(bytes: Uint8Array, _options: DecodeOptions = {}): DecodedXml {
  const b0 = bytes[0];
  const b1 = bytes[1];
  const b2 = bytes[2];
  const b3 = bytes[3];
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { text: decodeUtf32(bytes, false, 4), encoding: 'UTF-32BE', bom: true };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { text: decodeUtf32(bytes, true, 4), encoding: 'UTF-32LE', bom: true };
  if (b0 === 0xfe && b1 === 0xff) return { text: decodeUtf16(bytes, false, 2), encoding: 'UTF-16BE', bom: true };
  if (b0 === 0xff && b1 === 0xfe) return { text: decodeUtf16(bytes, true, 2), encoding: 'UTF-16LE', bom: true };
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
    const enc = declaredEncoding(bytes, 3);
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) fail(`the byte order mark says UTF-8 but the XML declaration says encoding '${enc}'`);
    return { text: decodeUtf8(bytes.subarray(3)), encoding: UTF8, bom: true };
  }
  // no byte order mark: `<?` in a wide encoding (libxml2 autodetects these)
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0x00 && b3 === 0x3c) return { text: decodeUtf32(bytes, false, 0), encoding: 'UTF-32BE', bom: false };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x00 && b3 === 0x00) return { text: decodeUtf32(bytes, true, 0), encoding: 'UTF-32LE', bom: false };
  if (b0 === 0x00 && b1 === 0x3c && b2 === 0x00 && b3 === 0x3f) return { text: decodeUtf16(bytes, false, 0), encoding: 'UTF-16BE', bom: false };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f && b3 === 0x00) return { text: decodeUtf16(bytes, true, 0), encoding: 'UTF-16LE', bom: false };

  const enc = declaredEncoding(bytes, 0);
  if (enc === undefined || /^utf-?8$/i.test(enc)) return { text: decodeUtf8(bytes), encoding: UTF8, bom: false };
  const name = enc.toLowerCase();
  if (/^(iso[-_]?8859[-_]1|latin-?1|l1|iso[-_]?ir[-_]?100|cp819|ibm819)$/.test(name)) {
    // every byte is the code point of the same number (WHATWG's "iso-8859-1" label would mean windows-1252)
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += 8192) parts.push(String.fromCharCode(...bytes.subarray(i, i + 8192)));
    return { text: parts.join(''), encoding: 'ISO-8859-1', bom: false };
  }
  if (/^(us-?ascii|ascii|iso[-_]?646[-_.]?irv:?1991|ansi_x3\.4-1968)$/.test(name)) {
    const bad = bytes.findIndex((x) => x > 0x7f);
    if (bad >= 0) {
      const p = utf8Place(bytes, bad);
      fail(`input is not valid US-ASCII (declared encoding '${enc}'): byte 0x${bytes[bad]!.toString(16)}`, p.line, p.column);
    }
    return { text: decodeUtf8(bytes), encoding: 'US-ASCII', bom: false };
  }
  if (/^(utf-?16|utf-?16le|utf-?16be|ucs-?2|utf-?32|ucs-?4)/.test(name)) {
    fail(`the XML declaration says encoding '${enc}' but the input has no byte order mark and is not in that encoding`);
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(name, { fatal: true });
  } catch {
    return fail(`unsupported encoding '${enc}' (declared in the XML declaration): convert the file to UTF-8`);
  }
  if (decoder.encoding === 'windows-1252') return { text: decodeCp1252(bytes, enc), encoding: 'WINDOWS-1252', bom: false };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return fail(`input is not valid ${decoder.encoding} (declared encoding '${enc}')`);
  }
  return { text, encoding: decoder.encoding.toUpperCase(), bom: false };
}
