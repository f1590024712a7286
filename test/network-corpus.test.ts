/**
 * Conformance over libvirt 10.7's network XML tests (networkxml2xmltest.c):
 * formatting what we parse must give libvirt's bytes.
 *
 * - every networkxml2xmlout/NAME.xml is a fixed point of parse + format;
 * - networkxml2xmlin/NAME.xml parsed and formatted equals networkxml2xmlout/NAME.xml;
 * - inputs libvirt rejects at parse time are rejected with libvirt's message;
 * - networkxml2xmlupdateout/NAME.xml (libvirt's output after virNetworkUpdate)
 *   are fixed points too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNetworkXml, parseNetworkXml } from '../src/network/index.js';
import { VirtXmlError } from '../src/xml/errors.js';
import { INACTIVE, REJECTED } from '../conformance/network.mjs';

const CORPUS = process.env.VIRTXML_CORPUS ?? fileURLToPath(new URL('../../shared/libvirt-corpus', import.meta.url));
const IN = `${CORPUS}/tests/networkxml2xmlin`;
const OUT = `${CORPUS}/tests/networkxml2xmlout`;
const UPDATE_OUT = `${CORPUS}/tests/networkxml2xmlupdateout`;
const present = existsSync(IN) && existsSync(OUT);
if (!present) console.log(`network corpus not found at ${CORPUS}: skipping network conformance tests`);

/*
 * INACTIVE: tests libvirt runs with VIR_NETWORK_XML_INACTIVE (§6.4); their
 * formatted output is the same with and without the flag (their pool is
 * empty), which the "flags" test below records. REJECTED: inputs libvirt
 * rejects while parsing, with its message. Shared with conformance/network.mjs.
 */

/**
 * Files that cannot be byte-identical, with the reason. None today; a file
 * listed here is checked to still differ, so the list cannot go stale.
 */
const NOT_IDENTICAL: Record<string, string> = {};

/**
 * libvirt outputs that libvirt itself would not read back: virNetworkUpdate
 * adds a second forward interface to a nat network without re-validating,
 * and the parser rejects more than one interface outside macvtap/hostdev modes.
 */
const UPDATE_OUT_REJECTED: Record<string, RegExp> = {
  'nat-network-forward-ifaces': /^multiple forwarding interfaces are only supported with macvtap or hostdev mode \(network 'default'\)$/,
};

const names = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.xml'))
        .map((f) => f.slice(0, -4))
        .sort()
    : [];
const read = (dir: string, name: string) => readFileSync(`${dir}/${name}.xml`, 'utf8');
const roundTrip = (xml: string, name: string, file: string) =>
  formatNetworkXml(parseNetworkXml(xml, { file }), { inactive: INACTIVE.has(name), libvirt: '10.7' /* the corpus's release */ });

function rejection(xml: string, file: string): VirtXmlError {
  try {
    parseNetworkXml(xml, { file });
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error(`${file} was accepted`);
}

describe.skipIf(!present)('libvirt networkxml2xml corpus', () => {
  const outs = names(OUT);
  const ins = names(IN);

  it('has files to check', () => {
    expect(outs.length).toBeGreaterThan(0);
  });

  it.each(outs)('networkxml2xmlout/%s.xml is byte-identical after parse + format', (name) => {
    const xml = read(OUT, name);
    if (NOT_IDENTICAL[name]) expect(roundTrip(xml, name, name)).not.toBe(xml);
    else expect(roundTrip(xml, name, name)).toBe(xml);
  });

  it.each(ins.filter((n) => outs.includes(n)))('networkxml2xmlin/%s.xml formats as networkxml2xmlout', (name) => {
    const expected = read(OUT, name);
    const got = roundTrip(read(IN, name), name, `networkxml2xmlin/${name}.xml`);
    if (NOT_IDENTICAL[name]) expect(got).not.toBe(expected);
    else expect(got).toBe(expected);
  });

  it.each(Object.keys(REJECTED).filter((n) => ins.includes(n)))('networkxml2xmlin/%s.xml is rejected as libvirt rejects it', (name) => {
    const e = rejection(read(IN, name), `${name}.xml`);
    expect(e.detail).toBe(REJECTED[name]);
    expect(e.line).toBeGreaterThan(0);
    expect(e.path).toMatch(/^\/network\//);
  });

  it.each(ins.filter((n) => !outs.includes(n) && !REJECTED[n]))(
    'networkxml2xmlin/%s.xml (no output in this copy) parses and formats to a fixed point',
    (name) => {
      const once = roundTrip(read(IN, name), name, name);
      expect(roundTrip(once, name, name)).toBe(once);
    },
  );

  it('records the format flags: the inactive-flag files give the same bytes either way', () => {
    for (const name of [...INACTIVE].filter((n) => outs.includes(n))) {
      const def = parseNetworkXml(read(IN, name));
      expect(formatNetworkXml(def, { inactive: false })).toBe(formatNetworkXml(def, { inactive: true }));
    }
  });

  it('summarises', () => {
    const identical = outs.filter((n) => !NOT_IDENTICAL[n] && roundTrip(read(OUT, n), n, n) === read(OUT, n)).length;
    console.log(
      `network corpus: ${identical} of ${outs.length} networkxml2xmlout files byte-identical; ` +
        `${Object.keys(REJECTED).filter((n) => ins.includes(n)).length} parse errors reproduced`,
    );
    expect(identical).toBe(outs.length - Object.keys(NOT_IDENTICAL).length);
  });

  const updates = names(UPDATE_OUT);
  it.each(updates.filter((n) => !UPDATE_OUT_REJECTED[n]))('networkxml2xmlupdateout/%s.xml is a fixed point', (name) => {
    const xml = read(UPDATE_OUT, name);
    expect(formatNetworkXml(parseNetworkXml(xml), { libvirt: '10.7' })).toBe(xml);
  });

  it.each(Object.keys(UPDATE_OUT_REJECTED).filter((n) => updates.includes(n)))(
    'networkxml2xmlupdateout/%s.xml is rejected as libvirt would reject it',
    (name) => {
      expect(rejection(read(UPDATE_OUT, name), name).detail).toMatch(UPDATE_OUT_REJECTED[name]!);
    },
  );
});
