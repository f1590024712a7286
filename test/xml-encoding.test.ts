/**
 * Bytes read as libxml2 reads them (issue 15): strict UTF-8 with a place for
 * the first bad byte, UTF-16/32 by byte order mark, declared encodings
 * honoured or refused by name; and the reader's input limits.
 */
import { describe, expect, it } from 'vitest';
import { decodeXmlBytes, readXml, VirtXmlError } from '../src/xml/index.js';
import { validateXml } from '../src/validate/index.js';

const DOC = "<network>\n  <name>caf\u00e9</name>\n</network>\n";
const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

function refused(b: Uint8Array): VirtXmlError {
  try {
    decodeXmlBytes(b);
  } catch (e) {
    if (e instanceof VirtXmlError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('UTF-8, strictly', () => {
  it('reads valid UTF-8, with or without a BOM', () => {
    expect(decodeXmlBytes(bytes(DOC))).toEqual({ text: DOC, encoding: 'UTF-8', bom: false });
    expect(decodeXmlBytes(bytes([0xef, 0xbb, 0xbf], DOC)).text).toBe(DOC);
  });
  it.each([
    ['a byte never valid in UTF-8', [0xff], /byte 0xff is never valid/],
    ['an overlong encoding', [0xc0, 0xaf], /overlong/],
    ['an overlong 3-byte encoding', [0xe0, 0x80, 0xaf], /overlong/],
    ['a cut sequence', [0xc3, 0x28], /cut short/],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], /surrogate/],
    ['a lone continuation byte', [0x80], /continuation byte/],
  ])('refuses %s, with its line and column', (_, bad, why) => {
    const e = refused(bytes('<network>\n  <name>ab', bad as number[], '</name>\n</network>\n'));
    expect(e.code).toBe('xml-encoding');
    expect(e.detail).toMatch(why as RegExp);
    expect([e.line, e.column]).toEqual([2, 11]);
  });
});

describe('UTF-16 and UTF-32', () => {
  const utf16 = (text: string, le: boolean, bom: boolean) => {
    const out: number[] = bom ? (le ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out.push(...(le ? [c & 255, c >> 8] : [c >> 8, c & 255]));
    }
    return new Uint8Array(out);
  };
  const utf32 = (text: string, le: boolean) => {
    const out: number[] = le ? [0xff, 0xfe, 0, 0] : [0, 0, 0xfe, 0xff];
    for (const ch of text) {
      const c = ch.codePointAt(0)!;
      const be = [(c >>> 24) & 255, (c >> 16) & 255, (c >> 8) & 255, c & 255];
      out.push(...(le ? be.reverse() : be));
    }
    return new Uint8Array(out);
  };
  it('reads UTF-16 LE/BE and UTF-32 LE/BE by their byte order mark', () => {
    expect(decodeXmlBytes(utf16(DOC, true, true))).toEqual({ text: DOC, encoding: 'UTF-16LE', bom: true });
    expect(decodeXmlBytes(utf16(DOC, false, true)).text).toBe(DOC);
    expect(decodeXmlBytes(utf32(DOC, true))).toEqual({ text: DOC, encoding: 'UTF-32LE', bom: true });
    expect(decodeXmlBytes(utf32(DOC + '\u{1F600}', false)).text).toBe(DOC + '\u{1F600}');
  });
  it('reads UTF-16 without a BOM when it starts with <? (libxml2 autodetection)', () => {
    const d = "<?xml version='1.0' encoding='UTF-16'?>" + DOC;
    expect(decodeXmlBytes(utf16(d, true, false)).text).toBe(d);
  });
  it('refuses a lone surrogate in UTF-16 with its place', () => {
    const e = refused(utf16('<a>\n x\uD800y</a>', true, true));
    expect(e.detail).toMatch(/lone surrogate/);
    expect([e.line, e.column]).toEqual([2, 3]);
  });
  it('refuses UTF-16 declared on 8-bit bytes', () => {
    expect(refused(bytes("<?xml version='1.0' encoding='UTF-16'?>", DOC)).detail).toMatch(/says encoding 'UTF-16'/);
  });
});

describe('declared encodings', () => {
  it('reads ISO-8859-1 as libxml2 does (every byte its own code point, 0x80-0x9F too)', () => {
    const b = bytes("<?xml version='1.0' encoding='ISO-8859-1'?>\n<network><name>caf", [0xe9, 0x85], '</name></network>');
    const d = decodeXmlBytes(b);
    expect(d.encoding).toBe('ISO-8859-1');
    expect(d.text).toContain('caf\u00e9\u0085');
  });
  it('reads an encoding the platform decodes (windows-1252)', () => {
    expect(decodeXmlBytes(bytes("<?xml version='1.0' encoding='windows-1252'?><a>", [0x80], '</a>')).text).toContain('\u20ac');
  });
  it('refuses an encoding it does not know, by name', () => {
    expect(refused(bytes("<?xml version='1.0' encoding='EBCDIC-XYZ'?><a/>")).detail).toBe(
      "unsupported encoding 'EBCDIC-XYZ' (declared in the XML declaration): convert the file to UTF-8",
    );
  });
  it('refuses non-ASCII bytes in declared US-ASCII', () => {
    expect(refused(bytes("<?xml version='1.0' encoding='US-ASCII'?><a>", [0xe9], '</a>')).detail).toMatch(/not valid US-ASCII/);
  });
});

describe('strings with a lone surrogate', () => {
  it('are malformed, with a place', () => {
    const r = validateXml("<network>\n  <name>a\uD800</name>\n</network>");
    expect(r.valid).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'xml-malformed', line: 2, column: 10 });
  });
});

describe('input limits a caller sets', () => {
  const many = (n: number) => `<network><name>n</name>${'<dns/>'.repeat(0)}<ip${Array.from({ length: n }, (_, i) => ` a${i}='1'`).join('')}/></network>`;
  it('attributes per element', () => {
    expect(() => readXml(many(11), { maxAttributes: 10 })).toThrow(/more than the limit of 10 attributes/);
    expect(readXml(many(10), { maxAttributes: 10 }).root.name).toBe('network');
    expect(validateXml(many(11), { maxAttributes: 10 }).diagnostics[0]).toMatchObject({ code: 'xml-too-many-attributes', line: 1 });
  });
  it('elements in the document', () => {
    const xml = `<domain><devices>${'<disk/>'.repeat(20)}</devices></domain>`;
    expect(validateXml(xml, { maxElements: 10 }).diagnostics[0]).toMatchObject({ code: 'xml-too-many-elements', path: '/domain/devices' });
    expect(() => readXml(xml, { maxElements: 22 })).not.toThrow();
  });
  it('size and depth', () => {
    expect(validateXml('<a><b><c/></b></a>', { maxDepth: 2 }).diagnostics[0]!.code).toBe('xml-too-deep');
    expect(validateXml('<a/>'.padEnd(100, ' '), { maxSize: 50 }).diagnostics[0]!.code).toBe('xml-too-large');
  });
});
