// Validation speed, side by side in one run (npm run bench runs it):
//   virtxml validateXml over the corpus in one process (rng and default profiles),
//   xmllint --relaxng in one batch (../shared/tools/oracle-validate.sh, libvirt 10.7 schemas),
//   virt-xml-validate one process per file (a sample; it uses the system's schemas).
// Goals (issue 6): ≥ 3× faster than the xmllint batch, ≥ 100× faster than virt-xml-validate.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vx = await import(join(here, '..', 'dist', 'index.js'));
const corpus = process.env.VIRTXML_CORPUS ?? join(here, '..', '..', 'shared', 'libvirt-corpus');
const tools = process.env.VIRTXML_TOOLS ?? join(here, '..', '..', 'shared', 'tools');
if (!existsSync(corpus)) {
  console.log(`validation bench: libvirt corpus not found at ${corpus}; nothing to measure.`);
  process.exit(0);
}

const FOLDERS = ['qemuxmlconfdata', 'qemuxmlactive2xmldata', 'domainschemadata', 'networkxml2xmlin', 'networkxml2xmlout', 'networkxml2xmlupdateout', 'virnetworkportxml2xmldata'];
const files = FOLDERS.flatMap((d) => {
  const dir = join(corpus, 'tests', d);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')).sort().map((f) => join(dir, f)) : [];
});
const docs = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function virtxmlPass(profile) {
  const t0 = process.hrtime.bigint();
  let invalid = 0;
  for (const d of docs) if (!vx.validateXml(d.text, { profile, file: d.file }).valid) invalid++;
  return { ms: ms(t0), invalid };
}

const rows = [];
// the first pass in a fresh process (what a CI job validating a repository once pays), then steady state
const coldT0 = process.hrtime.bigint();
const cold = virtxmlPass('rng');
const coldMs = ms(coldT0);
const steady = (profile) => {
  const samples = [];
  let invalid = 0;
  for (let i = 0; i < 7; i++) {
    const r = virtxmlPass(profile);
    samples.push(r.ms);
    invalid = r.invalid;
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[3], invalid };
};
const rng = steady('rng');
const def = steady('virtxml');
const perFile = (t) => (t * 1000) / docs.length;
rows.push({ tool: 'virtxml validateXml, rng profile, first pass', files: docs.length, invalid: cold.invalid, 'µs/file': perFile(coldMs).toFixed(1) });
rows.push({ tool: 'virtxml validateXml, rng profile, steady', files: docs.length, invalid: rng.invalid, 'µs/file': perFile(rng.ms).toFixed(1) });
rows.push({ tool: 'virtxml validateXml, default profile (rng + libvirt + extensions)', files: docs.length, invalid: def.invalid, 'µs/file': perFile(def.ms).toFixed(1) });

const haveXmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
const oracle = join(tools, 'oracle-validate.sh');
let xmllintPerFile;
let rawXmllintPerFile;
if (haveXmllint && existsSync(oracle)) {
  const samples = [];
  let invalid = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    let out;
    try {
      out = execFileSync('bash', [oracle, ...files], { env: { ...process.env, ORACLE_SCHEMA_DIR: join(corpus, 'schemas') }, encoding: 'utf8', maxBuffer: 1 << 26 });
    } catch (e) {
      out = e.stdout ?? '';
    }
    samples.push(ms(t0));
    invalid = out.split('\n').filter((l) => l.split('\t')[1] === 'invalid').length;
  }
  samples.sort((a, b) => a - b);
  xmllintPerFile = perFile(samples[1]);
  rows.push({ tool: 'xmllint --relaxng, one batch (oracle-validate.sh)', files: files.length, invalid, 'µs/file': xmllintPerFile.toFixed(1) });
} else {
  rows.push({ tool: 'xmllint --relaxng: not installed (apt-get install libxml2-utils)', files: 0, invalid: '', 'µs/file': '' });
}

// xmllint itself, one process per schema, without the oracle script's wrapper
if (haveXmllint) {
  const bySchema = { 'domain.rng': [], 'network.rng': [], 'networkport.rng': [] };
  for (const f of files) {
    const schema = f.includes('virnetworkportxml2xmldata') ? 'networkport.rng' : f.includes('/network') ? 'network.rng' : 'domain.rng';
    bySchema[schema].push(f);
  }
  const samples = [];
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    for (const [schema, list] of Object.entries(bySchema)) {
      if (list.length) spawnSync('xmllint', ['--noout', '--relaxng', join(corpus, 'schemas', schema), ...list], { stdio: 'ignore', maxBuffer: 1 << 26 });
    }
    samples.push(ms(t0));
  }
  samples.sort((a, b) => a - b);
  rawXmllintPerFile = perFile(samples[1]);
  rows.push({ tool: 'xmllint --noout --relaxng, one process per schema', files: files.length, invalid: '', 'µs/file': rawXmllintPerFile.toFixed(1) });
}

const haveVxv = spawnSync('sh', ['-c', 'command -v virt-xml-validate'], { stdio: 'ignore' }).status === 0;
let vxvPerFile;
if (haveVxv) {
  const sample = files.filter((_, i) => i % Math.ceil(files.length / 40) === 0);
  const t0 = process.hrtime.bigint();
  for (const f of sample) spawnSync('virt-xml-validate', [f], { stdio: 'ignore' });
  vxvPerFile = (ms(t0) * 1000) / sample.length;
  rows.push({ tool: 'virt-xml-validate, a process per file (sample)', files: sample.length, invalid: '', 'µs/file': vxvPerFile.toFixed(1) });
} else {
  rows.push({ tool: 'virt-xml-validate: not installed (apt-get install libvirt-clients)', files: 0, invalid: '', 'µs/file': '' });
}

console.log('\nvalidation (libvirt 10.7 corpus: domain, network, networkport files)');
console.table(rows);
const ratio = (a, b) => (a / b).toFixed(1) + '×';
const summary = [];
if (xmllintPerFile) {
  summary.push({ comparison: 'xmllint batch / virtxml rng (first pass)', speed: ratio(xmllintPerFile, perFile(coldMs)), goal: '≥ 3×' });
  summary.push({ comparison: 'xmllint batch / virtxml rng (steady)', speed: ratio(xmllintPerFile, perFile(rng.ms)), goal: '≥ 3×' });
  summary.push({ comparison: 'xmllint batch / virtxml default profile (steady)', speed: ratio(xmllintPerFile, perFile(def.ms)), goal: '' });
}
if (rawXmllintPerFile) {
  summary.push({ comparison: 'raw xmllint / virtxml rng (first pass)', speed: ratio(rawXmllintPerFile, perFile(coldMs)), goal: '' });
  summary.push({ comparison: 'raw xmllint / virtxml rng (steady)', speed: ratio(rawXmllintPerFile, perFile(rng.ms)), goal: '' });
}
if (vxvPerFile) {
  summary.push({ comparison: 'virt-xml-validate / virtxml rng (first pass)', speed: ratio(vxvPerFile, perFile(coldMs)), goal: '≥ 100×' });
  summary.push({ comparison: 'virt-xml-validate / virtxml default profile (steady)', speed: ratio(vxvPerFile, perFile(def.ms)), goal: '≥ 100×' });
}
if (summary.length) console.table(summary);
