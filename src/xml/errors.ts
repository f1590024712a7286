/**
 * Errors are values with a place: every failure while reading or mapping XML
 * carries a stable code, a message in libvirt's words, and where it happened.
 */

/** A place in the source document. Lines and columns are 1-based. */
export interface SourcePlace {
  line: number;
  column: number;
  /** Element path, e.g. `/domain/devices/hostdev[2]/driver/@group`. */
  path: string;
}

/** Stable error codes; tools may switch on them. */
export type VirtXmlErrorCode =
  | 'xml-malformed'
  | 'xml-doctype'
  | 'xml-too-large'
  | 'xml-too-deep'
  | 'xml-too-many-attributes'
  | 'xml-too-many-elements'
  | 'xml-encoding'
  | 'xml-root'
  | 'invalid-value'
  | 'missing-attribute'
  | 'missing-element'
  | 'unknown-variant'
  | 'invalid-address'
  | 'duplicate'
  | 'unsupported'
  | 'network-inactive'
  | 'network-unknown'
  | 'network-exhausted'
  | 'network-release'
  | 'internal';

export class VirtXmlError extends Error {
  override readonly name = 'VirtXmlError';
  readonly code: VirtXmlErrorCode;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;
  /** The message without the place prefix. */
  readonly detail: string;

  constructor(code: VirtXmlErrorCode, detail: string, place?: Partial<SourcePlace>) {
    const where =
      place?.line !== undefined ? `${place.line}:${place.column ?? 0}: ` : '';
    const path = place?.path ? ` (at ${place.path})` : '';
    super(`${where}${detail}${path}`);
    this.code = code;
    this.detail = detail;
    this.line = place?.line;
    this.column = place?.column;
    this.path = place?.path;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.detail, line: this.line, column: this.column, path: this.path };
  }
}
