import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  attr,
  child,
  element,
  flag,
  lazy,
  type ElementDecl,
  list,
  raw,
  tag,
  text,
  union,
  value,
  type Infer,
} from '../src/xml/decl.js';
import { formatContext, formatElement, originOf, parseWith, strictness } from '../src/xml/codec.js';
import { readXml } from '../src/xml/reader.js';
import { VirtXmlError } from '../src/xml/errors.js';
import { literal, oneOf, str, uint, yesNo } from '../src/xml/values.js';
import { toJsonSchema } from '../src/xml/jsonschema.js';

// a small model written for these tests only
const wheel = element('wheel', { size: attr(uint({ base0: true, hexWidth: 2 }), { required: true }) });
const engine = union('engine', 'type', {
  petrol: element('engine', { type: tag(literal('petrol')), cc: attr(uint()) }),
  electric: element('engine', { type: tag(literal('electric')), kwh: value('kwh', uint()) }),
});
const car = element('car', {
  make: attr(str, { required: true }),
  managed: attr(yesNo, { default: false }),
  note: attr(str, { omit: (v: string) => v === '' }),
  name: value('name', str, { required: true }),
  metadata: raw('metadata', { quote: '"' }),
  engine: child(engine),
  wheels: list(wheel),
  spare: flag('spare'),
  secret: child(element('secret', { v: text(str) }), { when: (ctx) => ctx.status }),
});
type Car = Infer<typeof car>;

const parse = (xml: string) => {
  const doc = readXml(xml);
  // strict: a word or case the declarations do not know is an error here (the default keeps it)
  return parseWith<Car>(car, doc.root, doc.source, { keepOrigins: true, ...strictness(true) });
};
const format = (c: Car, status = false) => formatElement(car, c, formatContext({ status }), 0) + '\n';

const CANON = `<car make='acme' managed='no'>
  <name>a &amp; b &apos;c&apos;</name>
  <metadata>
    <x:y xmlns:x="urn:x" a="1">t</x:y>
  </metadata>
  <engine type='electric'>
    <kwh>75</kwh>
  </engine>
  <wheel size='0x10'/>
  <wheel size='0x11'/>
  <spare/>
</car>
`;

describe('declarations drive parse and format', () => {
  it('infers the TypeScript type from the declaration', () => {
    expectTypeOf<Car['make']>().toEqualTypeOf<string>();
    expectTypeOf<Car['managed']>().toEqualTypeOf<boolean>();
    expectTypeOf<Car['wheels']>().toEqualTypeOf<Array<{ size: number; $extra?: import('../src/xml/decl.js').Extra }> | undefined>();
    const c = parse(CANON);
    if (c.engine?.type === 'electric') expectTypeOf(c.engine.kwh).toEqualTypeOf<number | undefined>();
  });

  it('round-trips canonical XML byte for byte', () => {
    const c = parse(CANON);
    expect(c.name).toBe("a & b 'c'");
    expect(c.wheels?.map((w) => w.size)).toEqual([16, 17]);
    expect(c.engine).toEqual({ type: 'electric', kwh: 75 });
    expect(format(c)).toBe(CANON);
  });

  it('normalises to the canonical form (quotes, order, numbers, defaults)', () => {
    const c = parse(`<car managed="no" make="acme"><wheel size="16"/><name>n</name><spare></spare></car>`);
    expect(format(c)).toBe(`<car make='acme' managed='no'>\n  <name>n</name>\n  <wheel size='0x10'/>\n  <spare/>\n</car>\n`);
  });

  it('keeps unknown attributes and elements in place (lossless)', () => {
    const src = `<car make='a' color='red'>\n  <name>n</name>\n  <future x='1'>\n    <deep/>\n  </future>\n  <wheel size='0x01'/>\n  <!-- between -->\n  <wheel size='0x02' bolts='5'/>\n</car>\n`;
    const c = parse(src);
    expect(c.$extra?.attrs).toEqual([{ name: 'color', value: 'red' }]);
    expect(format(c)).toBe(src.replace("make='a' color", "make='a' managed='no' color"));
  });

  it('does not lose unknown content anchored after removed list items', () => {
    const c = parse(`<car make='a'><name>n</name><wheel size='1'/><wheel size='2'/><tail/></car>`);
    c.wheels = [];
    expect(format(c)).toContain('<tail/>');
  });

  it('writes status-only fields only in status XML', () => {
    const c = parse(`<car make='a'><name>n</name><secret>s</secret></car>`);
    expect(format(c)).not.toContain('secret');
    expect(format(c, true)).toContain('<secret>s</secret>');
  });

  it('gives errors with code, place and path', () => {
    const bad = (xml: string) => {
      try {
        parse(xml);
      } catch (e) {
        expect(e).toBeInstanceOf(VirtXmlError);
        return e as VirtXmlError;
      }
      throw new Error('expected an error');
    };
    let e = bad(`<car make='a'>\n  <name>n</name>\n  <wheel size='1'/>\n  <wheel size='-1'/>\n</car>`);
    expect(e.code).toBe('invalid-value');
    expect(e.detail).toBe("Invalid value for attribute 'size' in element 'wheel': '-1'. Expected non-negative integer value");
    expect([e.line, e.column, e.path]).toEqual([4, 10, '/car/wheel[2]/@size']);
    e = bad(`<car make='a'><name>n</name><engine type='diesel'/></car>`);
    expect(e.code).toBe('unknown-variant');
    expect(e.path).toBe('/car/engine/@type');
    e = bad(`<car><name>n</name></car>`);
    expect(e.code).toBe('missing-attribute');
    e = bad(`<car make='a'/>`);
    expect(e.detail).toBe('Missing <name> element in <car>');
  });

  it('reads and writes recursive elements through lazy()', () => {
    interface Chain {
      name?: string;
      next?: Chain;
    }
    const node: ElementDecl = element('chain', { name: attr(str), next: child(lazy<Chain>('chain', () => node)) });
    const doc = readXml(`<chain name='a'><chain name='b'><chain name='c'/></chain></chain>`);
    const v = parseWith<Chain>(node, doc.root, doc.source);
    expect(v.next?.next?.name).toBe('c');
    expect(formatElement(node, v, formatContext(), 0)).toBe(`<chain name='a'>\n  <chain name='b'>\n    <chain name='c'/>\n  </chain>\n</chain>`);
    const schema = toJsonSchema(node, 'https://example.org/chain.json', 'chain');
    expect(new Ajv2020({ strict: false }).compile(schema)(JSON.parse(JSON.stringify(v)))).toBe(true);
  });

  it('remembers where each def came from', () => {
    const c = parse(CANON);
    const origin = originOf(c.wheels![1]!)!;
    expect(origin.path).toBe('/car/wheel[2]');
    expect(origin.source.elementPlace(origin.el)).toEqual({ line: 10, column: 3 });
  });

  it('refuses to format values that are not of their type', () => {
    const c = parse(CANON);
    (c.wheels![0] as { size: unknown }).size = -3;
    expect(() => format(c)).toThrow(VirtXmlError);
  });

  it('generates a JSON Schema that accepts parsed defs and rejects wrong ones', () => {
    const schema = toJsonSchema(car, 'urn:test:car', 'car');
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(schema);
    const c = JSON.parse(JSON.stringify(parse(CANON)));
    expect(validate(c)).toBe(true);
    expect(validate({ ...c, managed: 'yes' })).toBe(false);
    expect(validate({ ...c, engine: { type: 'diesel' } })).toBe(false);
    expect(validate({ managed: true })).toBe(false);
  });

  it('format(parse(x)) is a fixed point under random unknown-content injection (property)', () => {
    const names = fc.constantFrom('zz', 'new-thing', 'ext');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), names, fc.boolean()), { maxLength: 5 }), (injections) => {
        const lines = CANON.trimEnd().split('\n');
        // indices of lines that start a top-level child (or close <car>)
        const slots = () => lines.map((l, i) => (/^  <[^/]|^<\/car/.test(l) ? i : -1)).filter((i) => i > 0);
        // inject unknown elements between top-level children and unknown attributes on <car>
        for (const [pos, name, asAttr] of injections) {
          if (asAttr) {
            if (!lines[0]!.includes(` ${name}${pos}=`)) lines[0] = lines[0]!.replace('>', ` ${name}${pos}='v'>`);
          } else lines.splice(slots()[pos % slots().length]!, 0, `  <${name} i='${pos}'/>`);
        }
        const once = format(parse(lines.join('\n')));
        for (const [pos, name, asAttr] of injections) {
          expect(once).toContain(asAttr ? `${name}${pos}='v'` : `<${name} i='${pos}'/>`);
        }
        expect(format(parse(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});
