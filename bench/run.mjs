// virtxml benchmarks: one run, side by side, printed as a table.
//   npm run bench            (builds first)
// Parse and format time per document over ../shared/libvirt-corpus, next to
// saxes reading the same files with no handlers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { SaxesParser } = require('saxes');
// virtxml/model: the root's names and readXml (the reader, timed on its own below)
const vx = await import(process.env.VIRTXML_DIST ?? join(here, '..', 'dist', 'model.js'));

const corpus = process.env.VIRTXML_CORPUS ?? join(here, '..', '..', 'shared', 'libvirt-corpus');
if (!existsSync(corpus)) {
  console.log(`libvirt corpus not found at ${corpus}; set VIRTXML_CORPUS. Nothing to measure.`);
  process.exit(0);
}

function load(dir, filter = () => true) {
  const d = join(corpus, 'tests', dir);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.endsWith('.xml') && filter(f))
    .map((f) => ({ file: join(d, f), text: readFileSync(join(d, f), 'utf8') }));
}

function parseable(docs, parse) {
  const ok = [];
  for (const d of docs) {
    try {
      ok.push({ ...d, def: parse(d.text) });
    } catch {
      /* rejected documents are not timed */
    }
  }
  return ok;
}

function saxesOnly(text) {
  const p = new SaxesParser();
  p.write(text).close();
}

/** Median of `rounds` timings of fn over all docs; returns µs per document. */
function time(docs, fn, rounds = 15) {
  for (let i = 0; i < 3; i++) for (const d of docs) fn(d); // warm-up
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const d of docs) fn(d);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000 / docs.length);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const suites = [
  {
    name: 'domain (qemuxmlconfdata)',
    docs: parseable(load('qemuxmlconfdata'), vx.parseDomainXml),
    parse: (d) => vx.parseDomainXml(d.text),
    format: (d) => vx.formatDomainXml(d.def),
  },
  {
    name: 'device snippets (qemuhotplugtestdevices)',
    docs: parseable(load('qemuhotplugtestdevices'), vx.parseDeviceXml),
    parse: (d) => vx.parseDeviceXml(d.text),
    format: (d) => vx.formatDeviceXml(d.def),
  },
  {
    name: 'network (networkxml2xmlin)',
    docs: parseable(load('networkxml2xmlin'), vx.parseNetworkXml),
    parse: (d) => vx.parseNetworkXml(d.text),
    format: (d) => vx.formatNetworkXml(d.def),
  },
  {
    name: 'node device (nodedevschemadata)',
    docs: parseable(load('nodedevschemadata'), vx.parseNodeDeviceXml),
    parse: (d) => vx.parseNodeDeviceXml(d.text),
    format: (d) => vx.formatNodeDeviceXml(d.def),
  },
  {
    name: 'capabilities (capabilityschemadata)',
    docs: parseable(load('capabilityschemadata'), vx.parseCapabilitiesXml),
    parse: (d) => vx.parseCapabilitiesXml(d.text),
    format: (d) => vx.formatCapabilitiesXml(d.def),
  },
  {
    name: 'domain capabilities (domaincapsdata)',
    docs: parseable(load('domaincapsdata'), vx.parseDomainCapabilitiesXml),
    parse: (d) => vx.parseDomainCapabilitiesXml(d.text),
    format: (d) => vx.formatDomainCapabilitiesXml(d.def),
  },
  {
    name: 'storage pool (storagepoolxml2xmlin/out)',
    docs: parseable([...load('storagepoolxml2xmlin'), ...load('storagepoolxml2xmlout')], vx.parseStoragePoolXml),
    parse: (d) => vx.parseStoragePoolXml(d.text),
    format: (d) => vx.formatStoragePoolXml(d.def),
  },
  {
    name: 'storage volume (storagevolxml2xmlin/out)',
    docs: parseable([...load('storagevolxml2xmlin'), ...load('storagevolxml2xmlout')], vx.parseStorageVolXml),
    parse: (d) => vx.parseStorageVolXml(d.text),
    format: (d) => vx.formatStorageVolXml(d.def),
  },
  {
    name: 'storage pool caps (storagepoolcapsschemadata)',
    docs: parseable(load('storagepoolcapsschemadata'), vx.parseStoragePoolCapabilitiesXml),
    parse: (d) => vx.parseStoragePoolCapabilitiesXml(d.text),
    format: (d) => vx.formatStoragePoolCapabilitiesXml(d.def),
  },
  {
    name: 'secret (secretxml2xmlin)',
    docs: parseable(load('secretxml2xmlin'), vx.parseSecretXml),
    parse: (d) => vx.parseSecretXml(d.text),
    format: (d) => vx.formatSecretXml(d.def),
  },
  {
    name: 'network filter (nwfilterxml2xmlin/out)',
    docs: [...parseable(load('nwfilterxml2xmlin'), vx.parseNwfilterXml), ...parseable(load('nwfilterxml2xmlout'), vx.parseNwfilterXml)],
    parse: (d) => vx.parseNwfilterXml(d.text),
    format: (d) => vx.formatNwfilterXml(d.def),
  },
  {
    name: 'filter binding (virnwfilterbindingxml2xmldata)',
    docs: parseable(load('virnwfilterbindingxml2xmldata'), vx.parseNwfilterBindingXml),
    parse: (d) => vx.parseNwfilterBindingXml(d.text),
    format: (d) => vx.formatNwfilterBindingXml(d.def),
  },
  {
    name: 'host interface (interfaceschemadata)',
    docs: parseable(load('interfaceschemadata'), vx.parseInterfaceXml),
    parse: (d) => vx.parseInterfaceXml(d.text),
    format: (d) => vx.formatInterfaceXml(d.def),
  },
  {
    name: 'domain snapshot (qemudomainsnapshotxml2xmlin/out)',
    docs: parseable([...load('qemudomainsnapshotxml2xmlin'), ...load('qemudomainsnapshotxml2xmlout')], vx.parseDomainSnapshotXml),
    parse: (d) => vx.parseDomainSnapshotXml(d.text),
    format: (d) => vx.formatDomainSnapshotXml(d.def),
  },
  {
    name: 'domain checkpoint (qemudomaincheckpointxml2xmlin/out)',
    docs: parseable([...load('qemudomaincheckpointxml2xmlin'), ...load('qemudomaincheckpointxml2xmlout')], vx.parseDomainCheckpointXml),
    parse: (d) => vx.parseDomainCheckpointXml(d.text),
    format: (d) => vx.formatDomainCheckpointXml(d.def),
  },
  {
    name: 'domain backup (domainbackupxml2xmlin/out)',
    docs: parseable([...load('domainbackupxml2xmlin'), ...load('domainbackupxml2xmlout')], vx.parseDomainBackupXml),
    parse: (d) => vx.parseDomainBackupXml(d.text),
    format: (d) => vx.formatDomainBackupXml(d.def),
  },
];

const rows = [];
for (const s of suites) {
  if (!s.docs.length) continue;
  const bytes = s.docs.reduce((n, d) => n + d.text.length, 0) / s.docs.length;
  const sax = time(s.docs, (d) => saxesOnly(d.text));
  // virtxml's reader alone (saxes with handlers, building the positioned tree): the floor under parse
  const read = time(s.docs, (d) => vx.readXml(d.text));
  const parse = time(s.docs, s.parse);
  const format = time(s.docs, s.format);
  rows.push({
    suite: s.name,
    docs: s.docs.length,
    'avg bytes': Math.round(bytes),
    'saxes µs/doc': sax.toFixed(1),
    'reader µs/doc': read.toFixed(1),
    'parse µs/doc': parse.toFixed(1),
    'format µs/doc': format.toFixed(1),
    'reader / saxes': (read / sax).toFixed(2) + '×',
    'parse / saxes': (parse / sax).toFixed(2) + '×',
    'format / saxes': (format / sax).toFixed(2) + '×',
  });
}
console.log(`virtxml bench — node ${process.version}, ${new Date().toISOString()}`);
console.table(rows);

// scale and scenario benchmarks registered by other modules (VIRTXML_BENCH_CORPUS_ONLY=1: the table above only)
for (const extra of process.env.VIRTXML_BENCH_CORPUS_ONLY ? [] : ['scale.mjs', 'reader-attributes.mjs', 'allocator.mjs', 'hostdev.mjs']) {
  const p = join(here, extra);
  if (existsSync(p)) await import(p);
}
