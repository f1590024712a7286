// Network conformance: libvirt 10.7's network tests and schemas against virtxml.
//
//   import { run } from './network.mjs';
//   const { title, rows, failures } = await run({ corpus, vx, schemaDirs });
//
// `corpus` is the libvirt corpus folder (../shared/libvirt-corpus), `vx` the
// package (dist/index.js, or src/index.ts under vitest), `schemaDirs` newer
// releases' schema folders by release ({ '12.9': dir }) for the coverage rows. Rows:
//  - networkxml2xmlout: format(parse(x)) byte-identical (inactive flag where
//    libvirt's networkxml2xmltest.c used it);
//  - networkxml2xmlin → networkxml2xmlout, and the parse-error inputs rejected
//    with libvirt's message;
//  - virnetworkportxml2xmldata: format(parse(x)) byte-identical;
//  - networkxml2xmlupdate: libvirt's update test cases reproduced (outputs
//    byte-identical, failures with libvirt's message);
//  - coverage of network.rng, networkport.rng and networkcommon.rng (the part
//    of it those two use): schema names without a declaration.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declNames, rngNames, undeclared } from './rng-names.mjs';

/** Tests libvirt runs with VIR_NETWORK_XML_INACTIVE (libvirt-semantics.md §6.4). */
export const INACTIVE = new Set(['hostdev-pf', 'hostdev-pf-driver-model', 'passthrough-pf']);

/** Inputs libvirt rejects while parsing, with its message. */
export const REJECTED = {
  'hostdev-duplicate': "PCI device '0000:03:00.3' can only be listed once in network hostdev",
  'passthrough-duplicate': "interface 'eth3' can only be listed once in network passthrough-duplicate",
  'open-network-with-forward-dev': "forward dev not allowed for network 'open' with forward mode='open'",
  'routed-network-no-dns-extra-elements': "Extra data in disabled network 'local'",
};

const xmlNames = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4)).sort() : []);
const read = (dir, name) => readFileSync(join(dir, `${name}.xml`), 'utf8');
const message = (e) => (e && typeof e === 'object' && 'detail' in e ? e.detail : String(e));

function attempt(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: message(e) };
  }
}

function roundTrips(vx, dir, names, parse, format, failures, label) {
  let same = 0;
  for (const n of names) {
    const xml = read(dir, n);
    const r = attempt(() => format(parse(xml), n));
    if (r.value === xml) same++;
    else failures.push(`${label}/${n}.xml: ${r.error ?? 'not byte-identical'}`);
  }
  return same;
}

/** The libvirt release of ../shared/libvirt-corpus. */
const CORPUS_RELEASE = '10.7';

export async function run({ corpus, vx, schemaDirs }) {
  const T = join(corpus, 'tests');
  const rows = [];
  const failures = [];
  // the corpus is libvirt 10.7's: its formatter's form where releases differ (an empty <ip> as a pair)
  const formatNet = (def, name) => vx.formatNetworkXml(def, { inactive: INACTIVE.has(name), libvirt: CORPUS_RELEASE });

  // networkxml2xml
  const OUT = join(T, 'networkxml2xmlout');
  const IN = join(T, 'networkxml2xmlin');
  const outs = xmlNames(OUT);
  const ins = xmlNames(IN);
  rows.push({
    suite: 'networkxml2xmlout: format(parse(x)) = x',
    files: outs.length,
    passed: roundTrips(vx, OUT, outs, vx.parseNetworkXml, formatNet, failures, 'networkxml2xmlout'),
  });
  const pairs = ins.filter((n) => outs.includes(n));
  let inOk = 0;
  for (const n of pairs) {
    const r = attempt(() => formatNet(vx.parseNetworkXml(read(IN, n)), n));
    if (r.value === read(OUT, n)) inOk++;
    else failures.push(`networkxml2xmlin/${n}.xml: ${r.error ?? 'does not format as networkxml2xmlout'}`);
  }
  rows.push({ suite: 'networkxml2xmlin → networkxml2xmlout', files: pairs.length, passed: inOk });
  const rejected = Object.keys(REJECTED).filter((n) => ins.includes(n));
  let rejOk = 0;
  for (const n of rejected) {
    const r = attempt(() => vx.parseNetworkXml(read(IN, n)));
    if (r.error === REJECTED[n]) rejOk++;
    else failures.push(`networkxml2xmlin/${n}.xml: expected "${REJECTED[n]}", got ${r.error ? `"${r.error}"` : 'no error'}`);
  }
  rows.push({ suite: 'networkxml2xmlin parse errors (libvirt message)', files: rejected.length, passed: rejOk });

  // networkport
  const PORT = join(T, 'virnetworkportxml2xmldata');
  const ports = xmlNames(PORT);
  rows.push({
    suite: 'virnetworkportxml2xmldata: format(parse(x)) = x',
    files: ports.length,
    passed: roundTrips(vx, PORT, ports, vx.parseNetworkPortXml, (p) => vx.formatNetworkPortXml(p), failures, 'virnetworkportxml2xmldata'),
  });

  // virNetworkUpdate
  const cases = JSON.parse(readFileSync(new URL('./network-update-cases.json', import.meta.url), 'utf8'));
  const UIN = join(T, 'networkxml2xmlupdatein');
  const UOUT = join(T, 'networkxml2xmlupdateout');
  // nat-network.xml is kept out of networkxml2xmlin; its formatted form is networkxml2xmlupdateout/nat-network.xml
  const netFile = (n) => [join(IN, `${n}.xml`), join(UOUT, `${n}.xml`)].find(existsSync);
  const runnable = cases.filter((c) => netFile(c.net) && existsSync(join(UIN, `${c.update}.xml`)) && (!c.out || existsSync(join(UOUT, `${c.out}.xml`))));
  let updOk = 0;
  const outputsSeen = new Set();
  for (const c of runnable) {
    const r = attempt(() =>
      vx.formatNetworkXml(
        vx.updateNetwork(vx.parseNetworkXml(readFileSync(netFile(c.net), 'utf8')), c.command, c.section, read(UIN, c.update), { parentIndex: c.index ?? -1 }),
        { libvirt: CORPUS_RELEASE },
      ),
    );
    const ok = c.out ? r.value === read(UOUT, c.out) : r.error === c.error;
    if (ok) {
      updOk++;
      if (c.out) outputsSeen.add(c.out);
    } else failures.push(`update ${c.test}: ${c.out ? (r.error ?? `not byte-identical to ${c.out}.xml`) : `expected "${c.error}", got ${r.error ? `"${r.error}"` : 'success'}`}`);
  }
  rows.push({ suite: 'networkxml2xmlupdate cases (output or libvirt error)', files: runnable.length, passed: updOk });
  const updOuts = xmlNames(UOUT);
  rows.push({ suite: 'networkxml2xmlupdateout files reproduced', files: updOuts.length, passed: updOuts.filter((n) => outputsSeen.has(n)).length });

  // schema coverage: libvirt 10.7's schemas (beside the corpus) and, when given, newer releases'
  for (const [release, schemas] of [['10.7', join(corpus, 'schemas')], ...Object.entries(schemaDirs ?? {})]) {
    if (!existsSync(join(schemas, 'network.rng'))) continue;
    const netSchema = rngNames(vx.readXml, join(schemas, 'network.rng'));
    const portSchema = rngNames(vx.readXml, join(schemas, 'networkport.rng'));
    const netDecls = declNames(vx.networkDef);
    const portDecls = declNames(vx.networkPort);
    const common = join(schemas, 'networkcommon.rng');
    const both = {
      elements: new Map([...netSchema.elements, ...portSchema.elements]),
      attributes: new Map([...netSchema.attributes, ...portSchema.attributes]),
    };
    const bothDecls = { elements: new Set([...netDecls.elements, ...portDecls.elements]), attributes: new Set([...netDecls.attributes, ...portDecls.attributes]) };
    for (const [schema, report] of [
      ['network.rng', undeclared(netSchema, netDecls)],
      ['networkport.rng', undeclared(portSchema, portDecls)],
      ['networkcommon.rng (as used by both)', undeclared(both, bothDecls, common)],
    ]) {
      const missing = report.missingElements.length + report.missingAttributes.length;
      rows.push({ suite: `coverage ${schema} (libvirt ${release}): elements + attributes declared`, files: report.elements + report.attributes, passed: report.elements + report.attributes - missing });
      for (const m of [...report.missingElements, ...report.missingAttributes]) failures.push(`${schema} (libvirt ${release}): undeclared ${m}`);
    }
  }

  return { title: 'network (libvirt 10.7 network tests; schemas of 10.7 and newer releases)', rows, failures };
}
