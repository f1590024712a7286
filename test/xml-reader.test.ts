import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readXml } from '../src/xml/reader.js';
import { VirtXmlError } from '../src/xml/errors.js';

function err(fn: () => unknown): VirtXmlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error('expected a VirtXmlError');
}

describe('readXml', () => {
  it('keeps elements, attributes in order, text, comments, and namespaces', () => {
    const doc = readXml(
      `<domain type='kvm' xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">\n  <!-- note -->\n  <name>a&amp;b</name>\n  <qemu:commandline/>\n</domain>`,
    );
    const root = doc.root;
    expect(root.name).toBe('domain');
    expect(root.attributes.map((a) => a.name)).toEqual(['type', 'xmlns:qemu']);
    const kids = root.children.filter((c) => c.type !== 'text');
    expect(kids[0]).toEqual({ type: 'comment', text: ' note ' });
    const name = kids[1]!;
    expect(name.type === 'element' && name.children).toEqual([{ type: 'text', text: 'a&b' }]);
    const q = kids[2]!;
    expect(q.type === 'element' && q.ns).toBe('http://libvirt.org/schemas/domain/qemu/1.0');
  });

  it('knows the line and column of every element and attribute', () => {
    const src = `<domain type='kvm'>\n  <devices>\n    <hostdev mode='subsystem'\n             type='pci'/>\n  </devices>\n</domain>\n`;
    const doc = readXml(src);
    const devices = doc.root.children.find((c) => c.type === 'element')!;
    if (devices.type !== 'element') throw new Error();
    const hostdev = devices.children.find((c) => c.type === 'element')!;
    if (hostdev.type !== 'element') throw new Error();
    expect(doc.source.elementPlace(devices)).toEqual({ line: 2, column: 3 });
    expect(doc.source.elementPlace(hostdev)).toEqual({ line: 3, column: 5 });
    expect(doc.source.attributePlace(hostdev, 'mode')).toEqual({ line: 3, column: 14 });
    expect(doc.source.attributePlace(hostdev, 'type')).toEqual({ line: 4, column: 14 });
  });

  it('places elements correctly after multi-byte characters and CDATA', () => {
    const src = `<a>é😀<![CDATA[x<y]]><b z="1"/></a>`;
    const doc = readXml(src);
    const b = doc.root.children.find((c) => c.type === 'element')!;
    if (b.type !== 'element') throw new Error();
    expect(src.slice(b.start, b.start + 2)).toBe('<b');
    expect(doc.root.children[1]).toEqual({ type: 'text', text: 'x<y', cdata: true });
  });

  it('refuses a DOCTYPE (no entity declarations, no billion laughs)', () => {
    const e = err(() => readXml(`<!DOCTYPE lol [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><lol>&b;</lol>`));
    expect(e.code).toBe('xml-doctype');
    expect(e.line).toBe(1);
  });

  it('refuses unknown entities with a place', () => {
    const e = err(() => readXml(`<a>\n  &nbsp;</a>`));
    expect(e.code).toBe('xml-malformed');
    expect(e.line).toBe(2);
    expect(e.path).toBe('/a');
  });

  it('reports malformed input with line, column and path', () => {
    const e = err(() => readXml(`<domain>\n  <devices>\n    <hostdev></devices>\n</domain>`));
    expect(e.code).toBe('xml-malformed');
    expect(e.line).toBe(3);
    expect(e.path).toMatch(/^\/domain\/devices/);
    expect(e.message).toMatch(/^3:\d+: /);
  });

  it('enforces the size and depth limits', () => {
    expect(err(() => readXml('<a>' + ' '.repeat(100) + '</a>', { maxSize: 50 })).code).toBe('xml-too-large');
    const deep = '<a>'.repeat(20) + '</a>'.repeat(20);
    expect(err(() => readXml(deep, { maxDepth: 10 })).code).toBe('xml-too-deep');
    expect(readXml(deep, { maxDepth: 20 }).root.name).toBe('a');
    // the default depth limit stops a deep document long before the stack does
    const veryDeep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    expect(err(() => readXml(veryDeep)).code).toBe('xml-too-deep');
  });

  it('rejects empty input, unbound prefixes and duplicate attributes', () => {
    expect(err(() => readXml('')).code).toBe('xml-malformed');
    expect(err(() => readXml('<q:a/>')).code).toBe('xml-malformed');
    expect(err(() => readXml(`<a x='1' x='2'/>`)).code).toBe('xml-malformed');
  });

  it('never throws anything but VirtXmlError on arbitrary input (property)', () => {
    const pieces = fc.constantFrom('<a', '>', '</a>', '<b/>', "x='1'", '&amp;', '&', '<!--', '-->', '<![CDATA[', ']]>', '<?pi?>', '"', ' ', '\n', 'é', '<!DOCTYPE a>');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        try {
          readXml(parts.join(''));
        } catch (e) {
          if (!(e instanceof VirtXmlError)) throw e;
          expect(typeof e.line).toBe('number');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
