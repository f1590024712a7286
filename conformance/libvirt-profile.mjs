// libvirt-profile conformance: does virtxml's `libvirt` profile give libvirt's verdict?
//
//   import { run } from './libvirt-profile.mjs';
//   const result = run({ corpus, oracle, vx });
//
// For every domain and network file of the libvirt corpus, "libvirt accepts"
// is asked of libvirt itself through ../shared/tools/oracle-roundtrip.py
// (libvirt's parser and define-time validation in its in-process test
// driver), and compared with "virtxml's libvirt profile reports no error":
// the parser (parseDomainXml / parseNetworkXml with keepOrigins) and then
// the semantic layer (domainSemanticDiagnostics / networkSemanticDiagnostics).
// The RelaxNG layer is not part of this comparison: the oracle runs without
// --validate, so libvirt's parser alone decides.
//
// `oracle` = { python, script, env } (see oracleFromEnv); `vx` = { parseDomainXml,
// parseNetworkXml, domainSemanticDiagnostics, networkSemanticDiagnostics }.
// Every disagreement is listed with a reason category:
//   driver-only    virtxml applies a check of the QEMU driver (qemuValidate…) or of the
//                  network driver (networkValidate) that the test driver does not run
//   test-driver    the test driver refuses what the QEMU driver accepts (or has no such root)
//   oracle-version the oracle's libvirt is older than the corpus (10.7) and does not know the feature
//   parser-strict  virtxml's parser refuses what libvirt's accepts
//   rule-missing   libvirt refuses, virtxml has no rule for it yet
//   virtxml-extra  virtxml reports an error libvirt does not check at all
//
// Run alone (after `npm run build`, once the lead exports the functions):
//   node conformance/libvirt-profile.mjs [--list]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

export const DOMAIN_DIRS = ['qemuxmlconfdata', 'qemuxmlactive2xmldata', 'qemuhotplugtestdomains', 'genericxml2xmlindata', 'domainschemadata'];
export const NETWORK_DIRS = ['networkxml2xmlin', 'networkxml2xmlout'];

/**
 * Codes of rules the QEMU driver or the bridge network driver applies and
 * libvirt's generic validation (all the test driver runs) does not.
 */
export const DRIVER_ONLY = new Set([
  'libvirt-duplicate-address',
  'libvirt-pci-address-domain',
  'libvirt-pci-index0',
  'libvirt-pci-multifunction',
  'libvirt-hostdev-interface-tap',
  'libvirt-tpm-single',
]);
const isDriverOnly = (code) => DRIVER_ONLY.has(code) || code.startsWith('libvirt-network');

/** Oracle errors that come from the test driver itself, not from libvirt's XML handling. */
const TEST_DRIVER = [/driver does not support FD passing/, /^unsupported root element/];

/** Oracle errors of a libvirt older than the corpus: features it does not know yet. */
const OLD_LIBVIRT = [/unknown watchdog model/, /Unknown architecture/, /unexpected feature/, /unknown panic model/, /unsupported HyperV Enlightenment/,
  /(loader|nvram) attribute '.*' cannot be specified when firmware autoselection/, /both maximum memory size and memory slot count/, /removable is only valid/];

/** The oracle command: system libvirt (9.0 on Debian), or ORACLE_LIBVIRT_LIBDIR (e.g. libvirt 11.3 from get-libvirt-backports.sh). */
export function oracleFromEnv(env = process.env) {
  const script = env.ORACLE_ROUNDTRIP ?? join(HERE, '..', '..', 'shared', 'tools', 'oracle-roundtrip.py');
  const python = env.ORACLE_PYTHON ?? '/usr/bin/python3';
  const libdir = env.ORACLE_LIBVIRT_LIBDIR ?? (existsSync('/opt/libvirt-bpo/usr/lib/x86_64-linux-gnu') ? '/opt/libvirt-bpo/usr/lib/x86_64-linux-gnu' : undefined);
  const childEnv = { ...env };
  if (libdir) childEnv.LD_LIBRARY_PATH = libdir;
  return { python, script, env: childEnv };
}

/** libvirt's version number as the oracle sees it (e.g. 9000000), or undefined when the oracle cannot run. */
export function oracleVersion(oracle) {
  if (!existsSync(oracle.script) || !existsSync(oracle.python)) return undefined;
  const r = spawnSync(oracle.python, ['-c', 'import libvirt; print(libvirt.getVersion())'], { env: oracle.env, encoding: 'utf8' });
  const v = Number(r.stdout.trim());
  return r.status === 0 && v > 0 ? v : undefined;
}

/**
 * Asks the oracle about every file. libvirt 9.0's test driver crashes on
 * some inputs (hostdev-scsi-vhost-rawio-invalid.xml): the crashing file is
 * recorded as `crashed` and the run resumes after it.
 */
export function runOracle(oracle, files) {
  const out = new Map();
  let rest = files;
  while (rest.length) {
    const r = spawnSync(oracle.python, [oracle.script, '--json', ...rest], { env: oracle.env, encoding: 'utf8', maxBuffer: 1 << 30 });
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const l of lines) out.set(l.file, { ok: l.ok, error: l.error });
    if (lines.length >= rest.length) break;
    if (r.status === 2 && lines.length === 0) throw new Error(`oracle failed: ${r.stderr.trim()}`);
    out.set(rest[lines.length], { ok: false, crashed: true, error: `oracle crashed (${r.signal ?? `exit ${r.status}`})` });
    rest = rest.slice(lines.length + 1);
  }
  return out;
}

function xmlFiles(corpus, dirs) {
  const files = [];
  for (const d of dirs) {
    const p = join(corpus, 'tests', d);
    if (!existsSync(p)) continue;
    for (const n of readdirSync(p).filter((n) => n.endsWith('.xml')).sort()) files.push({ dir: d, name: n, path: join(p, n) });
  }
  return files;
}

const isDomainDoc = (t) => /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<domain[\s>]/.test(t);

/** virtxml's `libvirt`-profile verdict: parser, then the semantic layer. */
function virtxmlVerdict(vx, kind, text, file) {
  try {
    if (kind === 'network') {
      const def = vx.parseNetworkXml(text, { keepOrigins: true, file });
      return { stage: 'semantic', errors: vx.networkSemanticDiagnostics(def, { profile: 'libvirt', file }).filter((d) => d.severity === 'error') };
    }
    const def = vx.parseDomainXml(text, { keepOrigins: true, file });
    return { stage: 'semantic', errors: vx.domainSemanticDiagnostics(def, { profile: 'libvirt', file }).filter((d) => d.severity === 'error') };
  } catch (e) {
    if (e && typeof e === 'object' && 'code' in e && 'detail' in e) {
      return { stage: 'parse', errors: [{ code: e.code, message: e.detail, line: e.line ?? 0, column: e.column ?? 0, path: e.path ?? '/' }] };
    }
    throw e;
  }
}

/** The corpus is libvirt 10.7's. */
const CORPUS_VERSION = 10007000;

/**
 * Codes of rules libvirt 9.0 does not apply yet (11.3 does; seen with both
 * oracles): sheepdog removal, <portForward> only with passt, the restrictive
 * numatune mode of <memory>, memory device overlap.
 */
const NEWER_THAN_9 = new Set(['libvirt-disk-protocol', 'libvirt-interface-portforward', 'libvirt-numatune-mode', 'libvirt-memory-overlap']);

function category(lv, vxv, text, version) {
  if (lv.ok) {
    if (vxv.stage === 'parse') return 'parser-strict';
    if (version < CORPUS_VERSION && vxv.errors.every((d) => NEWER_THAN_9.has(d.code))) return 'oracle-version';
    return vxv.errors.every((d) => isDriverOnly(d.code)) ? 'driver-only' : 'virtxml-extra';
  }
  if (TEST_DRIVER.some((re) => re.test(lv.error))) return 'test-driver';
  // the test driver adds no default USB controller (the QEMU driver does for pc/q35 machines)
  if (/USB is disabled/.test(lv.error) && !/<controller type=['"]usb['"]/.test(text)) return 'test-driver';
  if (OLD_LIBVIRT.some((re) => re.test(lv.error))) return 'oracle-version';
  // an older libvirt refuses enum values added since (pipewire audio, passt backend, sev-snp, …)
  if (version < CORPUS_VERSION && /Invalid value for attribute/.test(lv.error)) return 'oracle-version';
  return 'rule-missing';
}

/** Normalised message for "same reason" (libvirt prefixes such as "XML error: " dropped, quotes unified). */
const norm = (m) => String(m ?? '').replace(/^(XML error|unsupported configuration|internal error|invalid argument): /, '').replace(/"/g, "'").trim();

export function run({ corpus, oracle, vx }) {
  const version = oracleVersion(oracle);
  if (version === undefined) throw new Error('oracle not available (python3-libvirt and ../shared/tools/oracle-roundtrip.py)');
  const files = [...xmlFiles(corpus, DOMAIN_DIRS), ...xmlFiles(corpus, NETWORK_DIRS).map((f) => ({ ...f, network: true }))];
  const subjects = files
    .map((f) => ({ ...f, text: readFileSync(f.path, 'utf8') }))
    .filter((f) => f.network || isDomainDoc(f.text));
  const answers = runOracle(oracle, subjects.map((f) => f.path));
  const rows = new Map();
  const disagreements = [];
  const byCategory = {};
  let agree = 0;
  let sameMessage = 0;
  let bothReject = 0;
  const otherMessage = [];
  for (const f of subjects) {
    const lv = answers.get(f.path) ?? { ok: false, error: 'no oracle answer' };
    const vxv = virtxmlVerdict(vx, f.network ? 'network' : 'domain', f.text, f.name);
    const vxOk = vxv.errors.length === 0;
    const row = rows.get(f.dir) ?? { folder: f.dir, files: 0, 'libvirt accepts': 0, 'virtxml accepts': 0, agree: 0, disagree: 0 };
    rows.set(f.dir, row);
    row.files++;
    if (lv.ok) row['libvirt accepts']++;
    if (vxOk) row['virtxml accepts']++;
    // a crash of the oracle is no verdict: never counted as agreement
    if (!lv.crashed && lv.ok === vxOk) {
      agree++;
      row.agree++;
      if (!lv.ok) {
        bothReject++;
        if (norm(vxv.errors[0]?.message) === norm(lv.error)) sameMessage++;
        else otherMessage.push({ file: `${f.dir}/${f.name}`, libvirt: lv.error, virtxml: `${vxv.errors[0]?.code}: ${vxv.errors[0]?.message}` });
      }
      continue;
    }
    row.disagree++;
    const cat = lv.crashed ? 'oracle-crash' : category(lv, vxv, f.text, version);
    byCategory[cat] = (byCategory[cat] ?? 0) + 1;
    const first = vxv.errors[0];
    disagreements.push({
      file: `${f.dir}/${f.name}`,
      category: cat,
      libvirt: lv.ok ? 'accepts' : lv.error,
      virtxml: vxOk ? 'accepts' : `${first.line}:${first.column} ${first.code}: ${first.message} (${first.path})`,
    });
  }
  const total = subjects.length;
  return {
    title: `libvirt profile vs libvirt ${Math.floor(version / 1e6)}.${Math.floor(version / 1e3) % 1e3}.${version % 1e3} (oracle-roundtrip.py)`,
    version,
    total,
    agree,
    bothReject,
    sameMessage,
    otherMessage,
    rows: [...rows.values()],
    byCategory,
    disagreements,
  };
}

// ---------------------------------------------------------------- mutations

const firstBlock = (name) => (t) => {
  const m = new RegExp(`<${name}[\\s>][\\s\\S]*?</${name}>`).exec(t);
  return m ? t.replace(m[0], m[0] + '\n    ' + m[0]) : null;
};

/**
 * Semantic breakages of valid corpus domains: a device family duplicated
 * (the first device given twice), and values libvirt's define-time checks
 * refuse. Each returns the mutated text, or null when it does not apply.
 */
export const MUTATIONS = {
  'duplicate <disk>': firstBlock('disk'),
  'duplicate <interface>': firstBlock('interface'),
  'duplicate <hostdev>': firstBlock('hostdev'),
  'duplicate <controller index>': (t) => {
    const m = /<controller type='(pci|scsi|virtio-serial|sata|ide)' index='[1-9]'[^>]*?(\/>|>[\s\S]*?<\/controller>)/.exec(t);
    return m ? t.replace(m[0], m[0] + '\n    ' + m[0]) : null;
  },
  'duplicate <serial>': firstBlock('serial'),
  'duplicate <channel>': firstBlock('channel'),
  'duplicate <video>': firstBlock('video'),
  'duplicate <rng>': firstBlock('rng'),
  'duplicate <filesystem>': firstBlock('filesystem'),
  'duplicate <tpm>': firstBlock('tpm'),
  'duplicate <redirdev>': firstBlock('redirdev'),
  'vcpu current > maximum': (t) => (/current=/.test(t) ? null : t.replace(/<vcpu([^>]*)>(\d+)<\/vcpu>/, (_m, a, n) => `<vcpu${a} current='${Number(n) + 1}'>${n}</vcpu>`)),
  'on_reboot coredump-restart': (t) => (/<on_reboot>/.test(t) ? t.replace(/<on_reboot>[^<]*<\/on_reboot>/, '<on_reboot>coredump-restart</on_reboot>') : null),
  'one user alias on two devices': (t) => {
    if (/<alias/.test(t)) return null;
    let k = 0;
    const x = t.replace(/<\/(disk|interface|controller)>/g, (m) => (k++ < 2 ? "<alias name='ua-dup'/>" + m : m));
    return k >= 2 ? x : null;
  },
  'one boot order on two devices': (t) => {
    if (/<boot (dev|order)/.test(t)) return null;
    let k = 0;
    const x = t.replace(/<\/(disk|interface)>/g, (m) => (k++ < 2 ? "<boot order='1'/>" + m : m));
    return k >= 2 ? x : null;
  },
  'maxMemory below memory': (t) => (/<maxMemory/.test(t) ? t.replace(/<maxMemory([^>]*)>\d+</, '<maxMemory$1>1024<') : null),
};

/**
 * The mutations applied to every corpus domain input libvirt accepts; each
 * mutated file is asked of libvirt and of virtxml's libvirt profile.
 * `tmpDir`: where the mutated files are written for the oracle.
 */
export function runMutations({ corpus, oracle, vx, tmpDir }) {
  const dir = join(corpus, 'tests', 'qemuxmlconfdata');
  if (!existsSync(dir)) return { rows: [], total: 0, agree: 0, disagreements: [] };
  const inputs = readdirSync(dir)
    .filter((n) => n.endsWith('.xml') && !/\.[a-z0-9_]+-(latest|\d[\d.]*)(\.[a-z-]+)?\.xml$/.test(n))
    .sort()
    .map((name) => ({ name, path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }))
    .filter((f) => isDomainDoc(f.text));
  const version = oracleVersion(oracle) ?? CORPUS_VERSION;
  const base = runOracle(oracle, inputs.map((f) => f.path));
  const cases = [];
  mkdirSync(tmpDir, { recursive: true });
  for (const f of inputs) {
    if (!base.get(f.path)?.ok) continue;
    Object.entries(MUTATIONS).forEach(([kind, mutate], k) => {
      const text = mutate(f.text);
      if (text === null || text === f.text) return;
      const path = join(tmpDir, `${k}-${f.name}`);
      writeFileSync(path, text);
      cases.push({ kind, name: f.name, path, text });
    });
  }
  const answers = runOracle(oracle, cases.map((c) => c.path));
  const rows = new Map();
  const disagreements = [];
  let agree = 0;
  for (const c of cases) {
    const lv = answers.get(c.path);
    if (!lv || lv.crashed) continue;
    const vxv = virtxmlVerdict(vx, 'domain', c.text, c.name);
    const vxOk = vxv.errors.length === 0;
    const row = rows.get(c.kind) ?? { mutation: c.kind, files: 0, 'libvirt refuses': 0, 'virtxml refuses': 0, agree: 0 };
    rows.set(c.kind, row);
    row.files++;
    if (!lv.ok) row['libvirt refuses']++;
    if (!vxOk) row['virtxml refuses']++;
    if (lv.ok === vxOk) {
      agree++;
      row.agree++;
      continue;
    }
    const first = vxv.errors[0];
    disagreements.push({
      file: `${c.kind}: ${c.name}`,
      category: category(lv, vxv, c.text, version),
      libvirt: lv.ok ? 'accepts' : lv.error,
      virtxml: vxOk ? 'accepts' : `${first.line}:${first.column} ${first.code}: ${first.message} (${first.path})`,
    });
  }
  return { rows: [...rows.values()], total: [...rows.values()].reduce((s, r) => s + r.files, 0), agree, disagreements };
}

// ---------------------------------------------------------------- command line

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const corpus = process.env.VIRTXML_CORPUS ?? join(HERE, '..', '..', 'shared', 'libvirt-corpus');
  const vx = await import(join(HERE, '..', 'dist', 'index.js'));
  if (!vx.domainSemanticDiagnostics) {
    console.error('dist/index.js does not export domainSemanticDiagnostics yet: run the vitest wrapper (npx vitest run conformance/libvirt-profile.test.ts)');
    process.exit(2);
  }
  const res = run({ corpus, oracle: oracleFromEnv(), vx });
  console.log(res.title);
  console.table(res.rows);
  console.log(`agreement ${res.agree}/${res.total}; both reject ${res.bothReject}, with libvirt's message ${res.sameMessage}`);
  console.table(res.byCategory);
  if (process.argv.includes('--list')) for (const d of res.disagreements) console.log(`[${d.category}] ${d.file}\n   libvirt: ${d.libvirt}\n   virtxml: ${d.virtxml}`);
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const mut = runMutations({ corpus, oracle: oracleFromEnv(), vx, tmpDir: mkdtempSync(join(tmpdir(), 'virtxml-mut-')) });
  console.table(mut.rows);
  console.log(`mutations: agreement ${mut.agree}/${mut.total}`);
}
