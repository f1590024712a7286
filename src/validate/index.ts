/**
 * `validateXml`: libvirt's verdict on a domain, network or networkport
 * document (or a device snippet with an explicit kind), as diagnostics with a
 * place. Layers, by profile (see ./types.ts):
 *   xml      well-formedness (always)
 *   rng      libvirt 10.7's RelaxNG schemas (./rng)
 *   libvirt  libvirt's parse-time rules (virtxml's parsers) and define-time checks
 *   virtxml  the same, with virtxml's extensions accepted and checked
 */
import { domain } from '../domain/domain.js';
import { DEVICE_KINDS, deviceDecl, devicesWith } from '../domain/device-xml.js';
import { networkDef } from '../network/network.js';
import { networkPort } from '../network/port.js';
import { parseWith } from '../xml/codec.js';
import type { Decl } from '../xml/decl.js';
import { VirtXmlError } from '../xml/errors.js';
import { readXml, type XmlDocument } from '../xml/reader.js';
import { domainGrammar, networkGrammar, networkportGrammar } from './rng/grammars.generated.js';
import type { CompiledGrammar } from './rng/compiled.js';
import { validateRng } from './rng/validator.js';
import { deviceSemanticDiagnostics } from './semantic-device.js';
import { domainSemanticDiagnostics } from './semantic-domain.js';
import { networkPortSemanticDiagnostics, networkSemanticDiagnostics } from './semantic-network.js';
import type { DomainDef } from '../domain/domain.js';
import type { NetworkDef } from '../network/network.js';
import type { NetworkPortDef } from '../network/port.js';
import type { Diagnostic, DiagnosticSource, DocumentKind, RootKind, ValidateOptions, ValidationResult } from './types.js';

export * from './types.js';

export const DOCUMENT_KINDS: readonly DocumentKind[] = ['domain', 'network', 'networkport'];
/** Every kind `validateXml` takes: the documents and the device snippets. */
export const ROOT_KINDS: readonly RootKind[] = [...DOCUMENT_KINDS, ...DEVICE_KINDS];

/** The document kind of a root element name, if it is one virtxml validates. */
export function detectKind(rootName: string): DocumentKind | undefined {
  return (DOCUMENT_KINDS as readonly string[]).includes(rootName) ? (rootName as DocumentKind) : undefined;
}

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
 * Validates a libvirt XML document (or, with `kind`, a device snippet) and
 * returns every problem found as a diagnostic with its code, line, column and
 * element path. Never throws for bad input: malformed XML is a diagnostic too.
 */
export function validateXml(xml: string, options: ValidateOptions = {}): ValidationResult {
  const profile = options.profile ?? 'virtxml';
  const file = options.file;
  const diagnostics: Diagnostic[] = [];
  let doc: XmlDocument;
  try {
    doc = readXml(xml, file !== undefined ? { file } : {});
  } catch (e) {
    if (!(e instanceof VirtXmlError)) throw e;
    return { kind: options.kind, profile, valid: false, diagnostics: [errorDiagnostic(e, 'xml', file)] };
  }
  const kind: RootKind | undefined = options.kind ?? detectKind(doc.root.name);
  if (kind === undefined) {
    const p = doc.source.elementPlace(doc.root);
    diagnostics.push({
      severity: 'error',
      code: 'xml-root',
      message: `unknown root element <${doc.root.name}>: expected <domain>, <network> or <networkport> (or give the kind of a device snippet)`,
      line: p.line,
      column: p.column,
      path: '/' + doc.root.name,
      source: 'xml',
      ...(file !== undefined ? { file } : {}),
    });
    return { kind, profile, valid: false, diagnostics };
  }
  const max = options.maxDiagnostics ?? 100;
  const grammar: CompiledGrammar = kind === 'network' ? networkGrammar : kind === 'networkport' ? networkportGrammar : domainGrammar;
  for (const p of validateRng(doc.root, doc.source, grammar, kind, { extensions: profile === 'virtxml', max })) {
    diagnostics.push({ severity: 'error', ...p, source: 'rng', ...(file !== undefined ? { file } : {}) });
  }
  // a root of another kind than asked for: nothing more to say about its content
  const wrongRoot = diagnostics.some((d) => d.code === 'rng-root');
  if (profile !== 'rng' && !wrongRoot && diagnostics.length < max) {
    const schema = diagnostics.filter((d) => d.severity === 'error');
    for (const d of libvirtLayer(doc, kind, profile, file)) {
      // where the schema already refused a node, its word is the clearer one
      if (schema.some((x) => x.line === d.line && x.column === d.column)) continue;
      if (diagnostics.length >= max) break;
      diagnostics.push(d);
    }
  }
  return { kind, profile, valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}

function declOf(kind: RootKind): Decl {
  switch (kind) {
    case 'domain':
      return domain;
    case 'network':
      return networkDef;
    case 'networkport':
      return networkPort;
    default:
      return deviceDecl(kind);
  }
}

/**
 * libvirt's parse-time rules (virtxml's parsers enforce them and stop at the
 * first) and its define-time checks (all problems, with places).
 */
function libvirtLayer(doc: XmlDocument, kind: RootKind, profile: 'libvirt' | 'virtxml', file: string | undefined): Diagnostic[] {
  let def: unknown;
  // words and cases the declarations do not know are kept by the parser; libvirt's parser refuses them
  const unknown: Diagnostic[] = [];
  const onUnknown = (e: VirtXmlError) => unknown.push(errorDiagnostic(e, 'libvirt', file));
  try {
    def = parseWith(declOf(kind), doc.root, doc.source, { keepOrigins: true, onUnknown });
  } catch (e) {
    if (e instanceof VirtXmlError) return [...unknown, errorDiagnostic(e, 'libvirt', file)];
    // a bug of virtxml's, not of the input: still a diagnostic, never a crash
    return [...unknown, internalDiagnostic(e, file)];
  }
  const opts = file !== undefined ? { profile, file } : { profile };
  try {
    switch (kind) {
      case 'domain':
        return [...unknown, ...domainSemanticDiagnostics(def as DomainDef, opts)];
      case 'network':
        return [...unknown, ...networkSemanticDiagnostics(def as NetworkDef, opts)];
      case 'networkport':
        return [...unknown, ...networkPortSemanticDiagnostics(def as NetworkPortDef, opts)];
      default:
        // a device snippet: libvirt checks devices in the context of a domain
        return [...unknown, ...deviceSemanticDiagnostics(devicesWith(kind, def), opts)];
    }
  } catch (e) {
    // the semantic rules assume known words: with unknown ones reported, their failure adds nothing
    return unknown.length ? unknown : [internalDiagnostic(e, file)];
  }
}

export * from './defs.js';
