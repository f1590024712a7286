/**
 * `validateXml`: libvirt's verdict on any document kind of the registry
 * (../kinds.ts: domain, network, networkport, domstatus, device snippets, …),
 * as diagnostics with a place. Layers, by profile (see ./types.ts):
 *   xml      well-formedness (always)
 *   rng      the target libvirt release's RelaxNG schemas (./rng), as libxml2 decides
 *   libvirt  libvirt's parse-time rules (virtxml's parsers) and define-time checks
 *   virtxml  the same, with virtxml's extensions accepted and checked
 */
import { defOf, KINDS, kindOf, type Kind, type KindEntry } from '../kinds.js';
import { VirtXmlError } from '../xml/errors.js';
import { readXml, type XmlDocument } from '../xml/reader.js';
import { grammarOf } from './rng/grammars.js';
import { LATEST_LIBVIRT, LIBVIRT_RELEASES, isLibvirtRelease } from './rng/releases.js';
import { newerThanTarget } from './rng/since.js';
import { validateRng } from './rng/validator.js';
import type { SemanticOptions } from './semantic/context.js';
import type { Diagnostic, DiagnosticSource, ValidateOptions, ValidationResult } from './types.js';

export * from './types.js';
export { LATEST_LIBVIRT, LIBVIRT_RELEASES, isLibvirtRelease };

/** A diagnostic from a VirtXmlError (reader or parser failure). */
export function errorDiagnostic(e: VirtXmlError, source: DiagnosticSource, file?: string): Diagnostic {
  const d: Diagnostic = {
    severity: 'error',
    code: e.code,
    message: e.detail,
    line: e.line ?? 0,
    column: e.column ?? 0,
    path: e.path ?? '/',
    source,
  };
  if (file !== undefined) d.file = file;
  return d;
}

function internalDiagnostic(e: unknown, file: string | undefined): Diagnostic {
  const d: Diagnostic = {
    severity: 'error',
    code: 'internal',
    message: `virtxml internal error (please report): ${e instanceof Error ? e.message : String(e)}`,
    line: 0,
    column: 0,
    path: '/',
    source: 'virtxml',
  };
  if (file !== undefined) d.file = file;
  return d;
}

/**
 * Validates a libvirt XML document of any kind the registry holds (its root
 * element decides, or `options.kind`) and returns every problem found as a diagnostic with its code, line, column and
 * element path. Never throws for bad input: malformed XML is a diagnostic too.
 */
export function validateXml(xml: string, options: ValidateOptions = {}): ValidationResult {
  const profile = options.profile ?? 'virtxml';
  const libvirt = options.libvirt ?? LATEST_LIBVIRT;
  if (!isLibvirtRelease(libvirt)) throw new TypeError(`unknown libvirt release '${String(libvirt)}' (one of ${LIBVIRT_RELEASES.join(', ')})`);
  const file = options.file;
  const diagnostics: Diagnostic[] = [];
  let doc: XmlDocument;
  try {
    const { maxSize, maxDepth, maxAttributes, maxElements } = options;
    doc = readXml(xml, { ...(file !== undefined ? { file } : {}), ...definedOf({ maxSize, maxDepth, maxAttributes, maxElements }) });
  } catch (e) {
    if (!(e instanceof VirtXmlError)) throw e;
    return { kind: options.kind, profile, libvirt, valid: false, diagnostics: [errorDiagnostic(e, 'xml', file)] };
  }
  let kind: Kind;
  try {
    kind = kindOf(doc, options.kind);
  } catch (e) {
    if (!(e instanceof VirtXmlError)) throw e;
    return { kind: options.kind, profile, libvirt, valid: false, diagnostics: [errorDiagnostic(e, 'xml', file)] };
  }
  const entry: KindEntry = KINDS[kind];
  const max = options.maxDiagnostics ?? 100;
  // a kind libvirt has no schema for (<domstatus>): the rng layer has nothing to say
  const rng = entry.grammar;
  if (rng) {
    const grammar = grammarOf(libvirt, rng.grammar);
    if (grammar?.entries[rng.entry] === undefined) {
      // a device kind the target release does not have at all
      const p = doc.source.elementPlace(doc.root);
      const message = newerThanTarget(rng.grammar, `>${rng.entry}`, libvirt) ?? `libvirt ${libvirt} has no <${doc.root.name}>`;
      diagnostics.push({ severity: 'error', code: 'rng-newer-libvirt', message, line: p.line, column: p.column, path: '/' + doc.root.name, source: 'rng', ...(file !== undefined ? { file } : {}) });
      return { kind, profile, libvirt, valid: false, diagnostics };
    }
    for (const { key, ...p } of validateRng(doc.root, doc.source, grammar, rng.entry, { extensions: profile === 'virtxml', max })) {
      const newer = key !== undefined ? newerThanTarget(rng.grammar, key, libvirt) : undefined;
      const d: Diagnostic = { severity: 'error', ...p, source: 'rng', ...(file !== undefined ? { file } : {}) };
      if (newer) {
        d.code = 'rng-newer-libvirt';
        d.message = newer;
      }
      diagnostics.push(d);
    }
  }
  // a root of another kind than asked for: nothing more to say about its content
  const wrongRoot = diagnostics.some((d) => d.code === 'rng-root');
  if (profile !== 'rng' && !wrongRoot && diagnostics.length < max) {
    const schema = diagnostics.filter((d) => d.severity === 'error');
    for (const d of libvirtLayer(doc, kind, entry, { profile, ...definedOf({ file, domainCapabilities: options.domainCapabilities }) })) {
      // where the schema already refused a node, its word is the clearer one
      if (schema.some((x) => x.line === d.line && x.column === d.column)) continue;
      if (diagnostics.length >= max) break;
      diagnostics.push(d);
    }
  }
  return { kind, profile, libvirt, valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}

/**
 * libvirt's parse-time rules (virtxml's parsers enforce them and stop at the
 * first) and its define-time checks (all problems, with places).
 */
function libvirtLayer(doc: XmlDocument, kind: Kind, entry: KindEntry, options: SemanticOptions): Diagnostic[] {
  const file = options.file;
  let def: unknown;
  // words and cases the declarations do not know are kept by the parser; libvirt's parser refuses them
  const unknown: Diagnostic[] = [];
  const onUnknown = (e: VirtXmlError) => unknown.push(errorDiagnostic(e, 'libvirt', file));
  try {
    def = defOf(doc, kind, { keepOrigins: true, onUnknown });
  } catch (e) {
    if (e instanceof VirtXmlError) return [...unknown, errorDiagnostic(e, 'libvirt', file)];
    // a bug of virtxml's, not of the input: still a diagnostic, never a crash
    return [...unknown, internalDiagnostic(e, file)];
  }
  try {
    return [...unknown, ...(entry.rules?.(def, options) ?? [])];
  } catch (e) {
    // the semantic rules assume known words: with unknown ones reported, their failure adds nothing
    return unknown.length ? unknown : [internalDiagnostic(e, file)];
  }
}

export * from './defs.js';

/** The options that are set (exactOptionalPropertyTypes: no `key: undefined`). */
function definedOf<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
