/**
 * Secrets (`<secret>`): libvirt's canonical form (secretxml2xmltest
 * round-trips its inputs to themselves), usage by type, unknown content
 * kept, errors with places.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatXml, parseXml } from '../src/kinds.js';
import { formatSecretXml, parseSecretXml, secretAsDefined } from '../src/secret/index.js';
import { validateXml } from '../src/validate/index.js';
import { VirtXmlError } from '../src/xml/errors.js';

const DIR = join(process.env.VIRTXML_CORPUS ?? join(__dirname, '..', '..', 'shared', 'libvirt-corpus'), 'tests', 'secretxml2xmlin');

function thrown(fn: () => unknown): VirtXmlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VirtXmlError) return e;
    throw e;
  }
  throw new Error('expected a VirtXmlError');
}

describe('<secret>', () => {
  it.skipIf(!existsSync(DIR))('secretxml2xmlin: every file comes back byte for byte', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const x = readFileSync(join(DIR, f), 'utf8');
      expect(formatSecretXml(parseSecretXml(x)), f).toBe(x);
      expect(formatXml(parseXml(x)), f).toBe(x);
    }
  });

  it("reads each usage type's own child, and writes libvirt's order", () => {
    const def = parseSecretXml("<secret private='yes'><usage type='iscsi'><target>t</target></usage><description>d &amp; e</description><uuid>27F25D34AEA64E2ABE85FA2C18380BE8</uuid></secret>");
    expect(def).toEqual({ private: true, uuid: '27f25d34-aea6-4e2a-be85-fa2c18380be8', description: 'd & e', usage: { type: 'iscsi', target: 't' } });
    expect(formatSecretXml(secretAsDefined(def))).toBe(
      [
        "<secret ephemeral='no' private='yes'>",
        '  <uuid>27f25d34-aea6-4e2a-be85-fa2c18380be8</uuid>',
        '  <description>d &amp; e</description>',
        "  <usage type='iscsi'>",
        '    <target>t</target>',
        '  </usage>',
        '</secret>',
        '',
      ].join('\n'),
    );
  });

  it('keeps a usage type it does not know with its content; strict refuses it with its place', () => {
    const xml = "<secret ephemeral='no' private='no'>\n  <usage type='nvme'>\n    <name>n</name>\n  </usage>\n</secret>\n";
    expect(formatSecretXml(parseSecretXml(xml))).toBe(xml);
    const e = thrown(() => parseSecretXml(xml, { strict: true }));
    expect([e.code, e.line, e.path]).toEqual(['unknown-variant', 2, '/secret/usage/@type']);
    expect(e.detail).toBe('unknown secret usage type nvme');
  });

  it("errors carry their place: a usage without its child, a uuid that is not one, private='maybe'", () => {
    const child = thrown(() => parseSecretXml("<secret>\n  <usage type='ceph'/>\n</secret>"));
    expect([child.code, child.line, child.path]).toEqual(['missing-element', 2, '/secret/usage']);
    const id = thrown(() => parseSecretXml('<secret><uuid>nope</uuid></secret>'));
    expect(id.path).toBe('/secret/uuid');
    const priv = thrown(() => parseSecretXml("<secret private='maybe'/>"));
    expect([priv.code, priv.path]).toEqual(['invalid-value', '/secret/@private']);
  });

  it('validation: the rng profile refuses a usage type secret.rng does not have', () => {
    const r = validateXml("<secret>\n  <usage type='nvme'>\n    <name>n</name>\n  </usage>\n</secret>\n", { profile: 'rng' });
    expect(r.kind).toBe('secret');
    expect(r.valid).toBe(false);
    expect(validateXml("<secret ephemeral='no' private='no'>\n  <usage type='tls'>\n    <name>n</name>\n  </usage>\n</secret>\n").diagnostics).toEqual([]);
  });
});
