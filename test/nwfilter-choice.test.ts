/**
 * choice() (src/xml/decl.ts): an ordered mix of different elements in one
 * list, kept in document order — the facility a <filter>'s rules and
 * filterrefs need, tested on its own declarations.
 */
import { describe, expect, it } from 'vitest';
import { attr, choice, element, list, type Infer } from '../src/xml/decl.js';
import { formatContext, formatElement, parseDocument } from '../src/xml/codec.js';
import { toJsonSchema } from '../src/xml/jsonschema.js';
import { str, uint } from '../src/xml/values.js';
import { VirtXmlError } from '../src/xml/errors.js';

const apple = element('apple', { color: attr(str, { required: true }) });
const pear = element('pear', { weight: attr(uint(), { required: true }) });
const basket = element('basket', {
  owner: attr(str),
  fruit: list(choice('fruit', { apple, pear }, (v: object) => ('color' in v ? 'apple' : 'pear'))),
});
type Basket = Infer<typeof basket>;

const read = (xml: string) => parseDocument<Basket>(basket, xml);
const write = (b: Basket) => formatElement(basket, b, formatContext(), 0);

describe('choice(): an ordered mix of elements', () => {
  it('reads the elements into one list, in document order, and writes them back in that order', () => {
    const xml = `<basket owner='me'>\n  <pear weight='3'/>\n  <apple color='red'/>\n  <pear weight='5'/>\n</basket>`;
    const b = read(xml);
    expect(b.fruit).toEqual([{ weight: 3 }, { color: 'red' }, { weight: 5 }]);
    expect(write(b)).toBe(xml);
  });

  it('writes a list built in code by each value’s case', () => {
    expect(write({ fruit: [{ color: 'green' }, { weight: 1 }] })).toBe(`<basket>\n  <apple color='green'/>\n  <pear weight='1'/>\n</basket>`);
  });

  it('keeps an element it does not know where it was, and checks each case with its own declaration', () => {
    const xml = `<basket>\n  <apple color='red'/>\n  <plum/>\n  <pear weight='2'/>\n</basket>`;
    expect(write(read(xml))).toBe(xml);
    expect(() => read(`<basket><pear weight='x'/></basket>`)).toThrow(VirtXmlError);
    expect(() => read(`<basket><apple/></basket>`)).toThrow(/Missing required attribute 'color'/);
  });

  it('refuses to write a value no case is for', () => {
    const odd = element('basket', { fruit: list(choice('fruit', { apple, pear }, () => undefined)) });
    expect(() => formatElement(odd, { fruit: [{ color: 'red' }] }, formatContext(), 0)).toThrow(VirtXmlError);
  });

  it('is any of its cases in the JSON Schema', () => {
    const s = toJsonSchema(basket, 'https://example.org/basket.json', 'basket') as { $defs: Record<string, { anyOf?: unknown[]; properties?: Record<string, unknown> }> };
    const fruitList = Object.values(s.$defs).find((d) => d.properties?.fruit)!.properties!.fruit as { items: { $ref: string } };
    const fruit = s.$defs[fruitList.items.$ref.replace('#/$defs/', '')]!;
    expect(fruit.anyOf).toHaveLength(2);
  });

  it('refuses a case whose key is not its element', () => {
    expect(() => choice('fruit', { banana: apple }, () => 'banana')).toThrow(/case banana declares <apple>/);
  });
});
