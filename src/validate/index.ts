/**
 * `validateXml`: libvirt's verdict on a domain, network or networkport
 * document (or a device snippet with an explicit kind), as diagnostics with a
 * place. Layers, by profile (see ./types.ts):
 *   xml      well-formedness (always)
 *   rng      libvirt 10.7's RelaxNG schemas (./rng)
 *   libvirt  libvirt's parse-time rules (virtxml's parsers) and define-time checks
 *   virtxml  the same, with virtxml's extensions accepted and checked
 */
import { VirtXmlError } from '../xml/errors.js';
import { readXml, type XmlDocument } from '../xml/reader.js';
import { domainGrammar, networkGrammar, networkportGrammar } from './rng/grammars.generated.js';
import type { CompiledGrammar } from './rng/compiled.js';
import { validateRng } from './rng/validator.js';
import type { Diagnostic, DiagnosticSource, DocumentKind, RootKind, ValidateOptions, ValidationResult } from './types.js';

export * from './types.js';

const DOCUMENT_KINDS: readonly DocumentKind[] = ['domain', 'network', 'networkport'];

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
  return { kind, profile, valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}
