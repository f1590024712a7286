/**
 * Datatypes for the RelaxNG validator: RELAX NG's built-in library (string,
 * token) and the part of W3C XML Schema datatypes that libvirt's schemas use
 * (integers of every width, double, NCName, anyURI, dateTime, string and
 * token with facets). Facets: pattern (XSD regular expressions, implicitly
 * anchored), min/max inclusive/exclusive, length, minLength, maxLength.
 *
 * Written here rather than taken from a library: the npm XSD-datatype packages
 * are either parts of Node-only validators or unmaintained, and what libvirt
 * needs is about 150 lines.
 */

export const XSD_LIBRARY = 'http://www.w3.org/2001/XMLSchema-datatypes';

export interface Datatype {
  /** Is `s` in the lexical space (after the type's whitespace handling), facets included? */
  allows(s: string): boolean;
  /** Value-space equality (for `<value type=…>`). */
  equal(a: string, b: string): boolean;
  /** What the type wants, for messages ("an unsigned integer ≤ 255"). */
  describe: string;
}

const collapse = (s: string): string => s.replace(/[\t\n\r ]+/g, ' ').trim();

/** Translates an XSD regular expression into an anchored JS RegExp. */
export function xsdRegExp(pattern: string): RegExp {
  let out = '';
  let inClass = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      i++;
      if (n === 'i') out += inClass ? 'A-Za-z_:' : '[A-Za-z_:]';
      else if (n === 'I') out += '[^A-Za-z_:]';
      else if (n === 'c') out += inClass ? '\\w.:\\-' : '[\\w.:\\-]';
      else if (n === 'C') out += '[^\\w.:\\-]';
      else out += '\\' + n;
      continue;
    }
    if (c === '[') inClass++;
    else if (c === ']' && inClass) inClass--;
    else if (!inClass && (c === '^' || c === '$')) {
      out += '\\' + c; // literal in XSD
      continue;
    }
    out += c;
  }
  try {
    return new RegExp(`^(?:${out})$`, 'u');
  } catch {
    return new RegExp(`^(?:${out})$`);
  }
}

interface IntRange {
  min?: bigint;
  max?: bigint;
}

const INTEGER_RANGES: Record<string, IntRange> = {
  integer: {},
  long: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
  int: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  short: { min: -32768n, max: 32767n },
  byte: { min: -128n, max: 127n },
  nonNegativeInteger: { min: 0n },
  positiveInteger: { min: 1n },
  nonPositiveInteger: { max: 0n },
  negativeInteger: { max: -1n },
  unsignedLong: { min: 0n, max: 2n ** 64n - 1n },
  unsignedInt: { min: 0n, max: 2n ** 32n - 1n },
  unsignedShort: { min: 0n, max: 65535n },
  unsignedByte: { min: 0n, max: 255n },
};

const INTEGER_RE = /^[+-]?[0-9]+$/;
const DECIMAL_RE = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;
const DOUBLE_RE = /^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN)$/;
const NCNAME_RE = /^[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][A-Za-z0-9_.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*$/;
const NAME_RE = /^[A-Za-z_:\u00C0-\uFFFD][A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFD]*$/;
const NMTOKEN_RE = /^[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFD]+$/;
const DATETIME_RE = /^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$/;
const BOOLEAN_RE = /^(true|false|1|0)$/;

type Facets = Array<[string, string]>;

interface Base {
  lexical: (s: string) => boolean;
  /** whitespace: preserve for string, collapse for everything else */
  ws: 'preserve' | 'replace' | 'collapse';
  /** numeric value, for range facets */
  num?: (s: string) => bigint | number;
  describe: string;
}

function base(type: string): Base | undefined {
  const range = INTEGER_RANGES[type];
  if (range) {
    return {
      ws: 'collapse',
      lexical: (s) => {
        if (!INTEGER_RE.test(s)) return false;
        const v = BigInt(s);
        return (range.min === undefined || v >= range.min) && (range.max === undefined || v <= range.max);
      },
      num: (s) => BigInt(s),
      describe: `an integer (${type})`,
    };
  }
  switch (type) {
    case 'string':
      return { ws: 'preserve', lexical: () => true, describe: 'a string' };
    case 'normalizedString':
      return { ws: 'replace', lexical: () => true, describe: 'a string' };
    case 'token':
      return { ws: 'collapse', lexical: () => true, describe: 'a token' };
    case 'NCName':
    case 'ID':
    case 'IDREF':
      return { ws: 'collapse', lexical: (s) => NCNAME_RE.test(s), describe: 'a name without colon (NCName)' };
    case 'Name':
      return { ws: 'collapse', lexical: (s) => NAME_RE.test(s), describe: 'an XML name' };
    case 'NMTOKEN':
      return { ws: 'collapse', lexical: (s) => NMTOKEN_RE.test(s), describe: 'a name token' };
    case 'anyURI':
      return { ws: 'collapse', lexical: () => true, describe: 'a URI' };
    case 'boolean':
      return { ws: 'collapse', lexical: (s) => BOOLEAN_RE.test(s), describe: 'a boolean' };
    case 'decimal':
      return { ws: 'collapse', lexical: (s) => DECIMAL_RE.test(s), num: (s) => Number(s), describe: 'a decimal number' };
    case 'double':
    case 'float':
      return {
        ws: 'collapse',
        lexical: (s) => DOUBLE_RE.test(s),
        num: (s) => (s === 'INF' || s === '+INF' ? Infinity : s === '-INF' ? -Infinity : Number(s)),
        describe: 'a floating-point number',
      };
    case 'dateTime':
      return { ws: 'collapse', lexical: (s) => DATETIME_RE.test(s), describe: 'a date and time (YYYY-MM-DDThh:mm:ss)' };
    default:
      return undefined;
  }
}

function normalize(s: string, ws: Base['ws']): string {
  if (ws === 'preserve') return s;
  if (ws === 'replace') return s.replace(/[\t\n\r]/g, ' ');
  return collapse(s);
}

const cache = new Map<string, Datatype>();

/** The datatype `type` of `library` with `facets`; throws for an unknown one (a schema bug). */
export function datatype(library: string, type: string, facets: Facets = []): Datatype {
  const key = library + '\u0000' + type + '\u0000' + JSON.stringify(facets);
  const known = cache.get(key);
  if (known) return known;
  let dt: Datatype;
  if (library === '') {
    if (type === 'string') dt = { allows: () => true, equal: (a, b) => a === b, describe: 'a string' };
    else if (type === 'token') dt = { allows: () => true, equal: (a, b) => collapse(a) === collapse(b), describe: 'a token' };
    else throw new Error(`unknown built-in datatype ${type}`);
  } else if (library === XSD_LIBRARY) {
    const b = base(type);
    if (!b) throw new Error(`unsupported XML Schema datatype ${type}`);
    const checks: Array<(lex: string) => boolean> = [];
    const wants: string[] = [];
    for (const [name, value] of facets) {
      switch (name) {
        case 'pattern': {
          const re = xsdRegExp(value);
          checks.push((s) => re.test(s));
          wants.push(`matching ${value}`);
          break;
        }
        case 'length':
        case 'minLength':
        case 'maxLength': {
          const n = Number(value);
          const len = (s: string) => [...s].length;
          checks.push(name === 'length' ? (s) => len(s) === n : name === 'minLength' ? (s) => len(s) >= n : (s) => len(s) <= n);
          wants.push(`${name === 'length' ? 'of length' : name === 'minLength' ? 'at least' : 'at most'} ${n} characters`);
          break;
        }
        case 'minInclusive':
        case 'maxInclusive':
        case 'minExclusive':
        case 'maxExclusive': {
          const num = b.num;
          if (!num) throw new Error(`facet ${name} on non-numeric type ${type}`);
          const limit = num(value);
          const cmp = (s: string): number => {
            const v = num(s);
            return v < limit ? -1 : v > limit ? 1 : 0;
          };
          checks.push(
            name === 'minInclusive' ? (s) => cmp(s) >= 0 : name === 'maxInclusive' ? (s) => cmp(s) <= 0 : name === 'minExclusive' ? (s) => cmp(s) > 0 : (s) => cmp(s) < 0,
          );
          wants.push(`${name.startsWith('min') ? '≥' : '≤'}${name.endsWith('Exclusive') ? ' (exclusive)' : ''} ${value}`);
          break;
        }
        default:
          throw new Error(`unsupported facet ${name}`);
      }
    }
    dt = {
      allows: (s) => {
        const lex = normalize(s, b.ws);
        if (!b.lexical(lex)) return false;
        for (const c of checks) if (!c(lex)) return false;
        return true;
      },
      equal: (a, c) => {
        const x = normalize(a, b.ws);
        const y = normalize(c, b.ws);
        if (b.num && b.lexical(x) && b.lexical(y)) return b.num(x) === b.num(y);
        return x === y;
      },
      describe: [b.describe, ...wants].join(' '),
    };
  } else {
    throw new Error(`unknown datatype library ${library}`);
  }
  cache.set(key, dt);
  return dt;
}
