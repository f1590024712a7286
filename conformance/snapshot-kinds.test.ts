/**
 * Conformance of a domain's block-job documents (issue 13): `<domainsnapshot>`,
 * `<domaincheckpoint>`, `<domainbackup>`. Per kind:
 *  - libvirt's xml2xml outputs reproduced byte for byte, each from the input
 *    its test program reads and with what that program does between parsing
 *    and formatting (the test tables below);
 *  - when libvirt 12.9's chroot is there, what its test driver writes of each
 *    corpus snapshot and checkpoint it accepts (redefined, then dumped: see
 *    snapshot-kinds-oracle.py) read and written again unchanged;
 *  - every corpus input a fixed point after one round trip (or, a `-invalid`
 *    file, refused by the libvirt profile);
 *  - schema coverage: every element and attribute of libvirt 12.9's schema,
 *    in context, has a declaration (a snapshot's and a checkpoint's embedded
 *    `<domain>` is libvirt's domain.rng in a nested grammar: its names are
 *    counted under the document's root);
 *  - the `rng` profile gives xmllint's verdict with each release's schemas on
 *    every corpus file of the kind.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as vx from '../src/model.js';
import { CORPUS, HAVE_CORPUS, printTable } from './corpus.js';
import { TOOLS } from './oracle.js';
import { xmllintRows } from './kind-rows.js';
// @ts-expect-error plain JS module shared with the network conformance (runs on dist)
import { declNames, rngNames, undeclared } from './rng-names.mjs';
// @ts-expect-error plain JS build script: where each release's schemas are
import { RELEASES, schemaDir } from '../scripts/gen-rng.mjs';

const SCHEMA_DIRS = (RELEASES as vx.LibvirtRelease[]).map((r) => [r, schemaDir(r) as string] as const).filter(([, d]) => existsSync(join(d, 'domainsnapshot.rng')));
const SCHEMAS = SCHEMA_DIRS.find(([r]) => r === '12.9')?.[1];
const XMLLINT = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
const CHROOT = join(TOOLS, 'libvirt-chroot.sh');
const HAVE_CHROOT = existsSync('/opt/libvirt-chroot/.libvirt-ready') && process.getuid?.() === 0 && existsSync(CHROOT);
if (!HAVE_CHROOT) console.warn('libvirt 12.9 chroot not available (root + ../shared/tools/libvirt-chroot.sh setup): live rows skipped');

const T = join(CORPUS, 'tests');
const xmlFiles = (dir: string) => (existsSync(join(T, dir)) ? readdirSync(join(T, dir)).filter((f) => f.endsWith('.xml')).sort() : []);
const read = (dir: string, name: string) => readFileSync(join(T, dir, name), 'utf8');
const has = (dir: string, name: string) => existsSync(join(T, dir, name));
const message = (e: unknown) => (e instanceof vx.VirtXmlError ? e.detail : String(e));

const SNAP_IN = 'qemudomainsnapshotxml2xmlin';
const SNAP_OUT = 'qemudomainsnapshotxml2xmlout';
const CKPT_IN = 'qemudomaincheckpointxml2xmlin';
const CKPT_OUT = 'qemudomaincheckpointxml2xmlout';
const BACKUP_IN = 'domainbackupxml2xmlin';
const BACKUP_OUT = 'domainbackupxml2xmlout';

/** One libvirt test case: its name, input and output folders, and what is done to the def between parse and format. */
interface Case {
  name: string;
  from: string;
  to: string;
  run: (xml: string) => string;
}

/**
 * libvirt's parser keeps no comments (its structs have no place for them);
 * virtxml keeps them, lossless. An input's comments are dropped from its def
 * before it is compared with libvirt's output (disk-default.xml has one).
 */
function withoutComments<T>(def: T): T {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const extra = (v as { $extra?: vx.Extra }).$extra;
      if (extra?.nodes) extra.nodes = extra.nodes.filter((n) => n.node.type !== 'comment');
      for (const [k, x] of Object.entries(v)) if (k !== '$extra') walk(x);
    }
  };
  walk(def);
  return def;
}

// ---------------------------------------------------------------- qemudomainsnapshotxml2xmltest.c

/**
 * Its `DO_TEST_IN` / `DO_TEST_INOUT` cases: the domain UUID given to the
 * formatter, the mocked creation time (the test's moment post-parse callback
 * sets it and, for a snapshot without name, the name; 0: none), and
 * TEST_RUNNING (the state set to running after parsing). Inputs are parsed
 * without REDEFINE (snapshotDefAsCreated). `DO_TEST_OUT` cases (REDEFINE,
 * the out file read and written again) are every other output file.
 */
const SNAPSHOT_INOUT: Record<string, { uuid?: string; time: number; running?: boolean }> = {
  empty: { uuid: '9d37b878-a7cc-9f9a-b78f-49b3abad25a8', time: 1386166249 },
  noparent: { uuid: '9d37b878-a7cc-9f9a-b78f-49b3abad25a8', time: 1272917631, running: true },
  external_vm: { time: 1555419243 },
  disk_snapshot: { time: 1555419243 },
  disk_driver_name_null: { time: 1555419243 },
  'disk-seclabel': { uuid: '9d37b878-a7cc-9f9a-b78f-49b3abad25a8', time: 581484660 },
};
const SNAPSHOT_IN = ['name_and_description', 'description_only', 'name_only'];

function snapshotCreated(xml: string, t: { uuid?: string; time: number; running?: boolean }): string {
  const def = vx.snapshotDefAsCreated(withoutComments(vx.parseDomainSnapshotXml(xml)));
  if (t.time) {
    def.creationTime = t.time;
    def.name ??= String(t.time);
  }
  if (t.running) def.state = 'running';
  if (t.uuid !== undefined) def.domain = { uuid: t.uuid };
  return vx.formatDomainSnapshotXml(def);
}

function snapshotCases(): Case[] {
  const cases: Case[] = [];
  for (const [name, t] of Object.entries(SNAPSHOT_INOUT)) cases.push({ name, from: SNAP_IN, to: SNAP_OUT, run: (x) => snapshotCreated(x, t) });
  for (const name of SNAPSHOT_IN) cases.push({ name, from: SNAP_IN, to: SNAP_IN, run: (x) => snapshotCreated(x, { time: 0 }) });
  for (const f of xmlFiles(SNAP_OUT)) {
    const name = f.slice(0, -4);
    if (!SNAPSHOT_INOUT[name] && !SNAPSHOT_IN.includes(name)) cases.push({ name, from: SNAP_OUT, to: SNAP_OUT, run: (x) => vx.formatDomainSnapshotXml(vx.parseDomainSnapshotXml(x)) });
  }
  return cases;
}

// ---------------------------------------------------------------- qemudomaincheckpointxml2xmltest.c

/**
 * Its cases: the mocked creation time, TEST_PARENT (parent '1525111885'),
 * TEST_VDA_BITMAP (the first disk, vda, added when there is none, tracked in
 * a bitmap named after the checkpoint) and TEST_SIZE (its size 1048576,
 * written with VIR_DOMAIN_CHECKPOINT_FORMAT_SIZE). `redefine` is a REDEFINE
 * out→out case.
 */
const CHECKPOINT_INOUT: Record<string, { time: number; parent?: boolean; vdaBitmap?: boolean; size?: boolean }> = {
  empty: { time: 1525889631, vdaBitmap: true },
  'disk-default': { time: 1525889631, parent: true, vdaBitmap: true },
  sample: { time: 1525889631, parent: true, vdaBitmap: true },
  size: { time: 1553648510, parent: true, vdaBitmap: true, size: true },
};

function checkpointCreated(xml: string, t: { time: number; parent?: boolean; vdaBitmap?: boolean; size?: boolean }): string {
  const def = vx.checkpointDefAsCreated(withoutComments(vx.parseDomainCheckpointXml(xml)));
  def.creationTime = t.time;
  def.name ??= String(t.time);
  if (t.parent) def.parent = { name: '1525111885' };
  if (t.vdaBitmap) {
    const disks = (def.disks ??= {}).disks ?? (def.disks.disks = []);
    if (!disks.length) disks.push({ name: 'vda', checkpoint: 'bitmap' });
    if (disks[0]!.name !== 'vda' || disks[0]!.bitmap !== undefined) throw new Error('TEST_VDA_BITMAP: the first disk is not a vda without bitmap');
    disks[0]!.bitmap = def.name;
    if (t.size) disks[0]!.size = 1048576;
  }
  return vx.formatDomainCheckpointXml(def);
}

function checkpointCases(): Case[] {
  const cases: Case[] = Object.entries(CHECKPOINT_INOUT).map(([name, t]) => ({ name, from: CKPT_IN, to: CKPT_OUT, run: (x: string) => checkpointCreated(x, t) }));
  cases.push({ name: 'redefine', from: CKPT_OUT, to: CKPT_OUT, run: (x) => vx.formatDomainCheckpointXml(vx.parseDomainCheckpointXml(x)) });
  return cases;
}

// ---------------------------------------------------------------- genericxml2xmltest.c's backup cases

const BACKUP_TESTS = ['empty', 'backup-pull', 'backup-pull-seclabel', 'backup-pull-encrypted', 'backup-push', 'backup-push-seclabel', 'backup-push-encrypted'];

/**
 * testCompareBackupXML: the job's disks aligned (virDomainBackupAlignDisks,
 * suffix 'SUFFIX') with a made-up domain having one qcow2 file disk
 * `/fake/<name>.qcow2` per disk the job names, and an empty disk
 * `vdextradisk`.
 */
function backupAligned(xml: string): string {
  const def = withoutComments(vx.parseDomainBackupXml(xml));
  const disks: vx.DiskDef[] = (def.disks?.disks ?? []).map((d) => ({
    type: 'file',
    device: 'disk',
    driver: { type: 'qcow2' },
    source: { file: `/fake/${d.name}.qcow2` },
    target: { dev: d.name },
  }));
  disks.push({ type: 'file', device: 'disk', target: { dev: 'vdextradisk' } });
  const domain = { type: 'qemu', name: 'fake', devices: { disks } } as vx.DomainDef;
  return vx.formatDomainBackupXml(vx.alignBackupDisks(def, domain, 'SUFFIX'));
}

const backupCases = (): Case[] => BACKUP_TESTS.map((name) => ({ name, from: BACKUP_IN, to: BACKUP_OUT, run: backupAligned }));

// ---------------------------------------------------------------- the kinds

interface Kind {
  kind: 'domainsnapshot' | 'domaincheckpoint' | 'domainbackup';
  schema: string;
  /** Schemas included as nested grammars under the root (their names counted under it). */
  nested: string[];
  decl: vx.Decl;
  folders: string[];
  cases: () => Case[];
  parse: (xml: string) => unknown;
  format: (def: never) => string;
}

const KINDS: Kind[] = [
  {
    kind: 'domainsnapshot',
    schema: 'domainsnapshot.rng',
    nested: ['domain.rng', 'inactiveDomain.rng'],
    decl: vx.domainSnapshot,
    folders: [SNAP_IN, SNAP_OUT],
    cases: snapshotCases,
    parse: (x) => vx.parseDomainSnapshotXml(x),
    format: vx.formatDomainSnapshotXml,
  },
  {
    kind: 'domaincheckpoint',
    schema: 'domaincheckpoint.rng',
    nested: ['domain.rng'],
    decl: vx.domainCheckpoint,
    folders: [CKPT_IN, CKPT_OUT],
    cases: checkpointCases,
    parse: (x) => vx.parseDomainCheckpointXml(x),
    format: vx.formatDomainCheckpointXml,
  },
  {
    kind: 'domainbackup',
    schema: 'domainbackup.rng',
    nested: [],
    decl: vx.domainBackup,
    folders: [BACKUP_IN, BACKUP_OUT],
    cases: backupCases,
    parse: (x) => vx.parseDomainBackupXml(x),
    format: vx.formatDomainBackupXml,
  },
];

/** Schema names in context, a nested grammar's (a snapshot's `<domain>`) counted under the root element. */
function schemaNames(dir: string, k: Kind): { elements: Map<string, string>; attributes: Map<string, string> } {
  const names = rngNames(vx.readXml, join(dir, k.schema));
  for (const n of k.nested) {
    const inner = rngNames(vx.readXml, join(dir, n));
    for (const kind of ['elements', 'attributes'] as const) {
      for (const [key, file] of inner[kind] as Map<string, string>) names[kind].set(key.startsWith('>') ? k.kind + key : key, file);
    }
  }
  return names;
}

/** What libvirt 12.9's test driver writes of each file it accepts (redefined, then dumped). */
function live(files: string[]): Array<{ file: string; ok: boolean; xml?: string; error?: string }> {
  // the chroot sees the current directory (the repository: the script, the fixtures) and ../shared (the corpus)
  const text = execFileSync('bash', [CHROOT, 'run', '--', 'python3', join(__dirname, 'snapshot-kinds-oracle.py'), ...files], {
    encoding: 'utf8',
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe.skipIf(!HAVE_CORPUS)('block-job documents: snapshots, checkpoints, backups', () => {
  it("reproduce libvirt's output, are fixed points, cover libvirt 12.9's schemas and agree with xmllint", () => {
    const rows: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    const row = (suite: string, files: number, passed: number) => rows.push({ suite, files, passed, share: files ? `${((100 * passed) / files).toFixed(1)}%` : '-' });

    for (const k of KINDS) {
      // libvirt's xml2xml outputs, from the inputs its test program reads
      const cases = k.cases().filter((c) => has(c.from, c.name + '.xml') && has(c.to, c.name + '.xml'));
      let same = 0;
      for (const c of cases) {
        try {
          if (c.run(read(c.from, c.name + '.xml')) === read(c.to, c.name + '.xml')) same++;
          else failures.push(`${c.from}/${c.name}.xml → ${c.to}: not byte-identical`);
        } catch (e) {
          failures.push(`${c.from}/${c.name}.xml: ${message(e)}`);
        }
      }
      row(`${k.kind}: libvirt's xml2xml outputs byte-identical`, cases.length, same);

      // libvirt 12.9 itself
      const files = k.folders.flatMap((d) => xmlFiles(d).map((f) => [d, f] as const));
      if (HAVE_CHROOT && k.kind !== 'domainbackup') {
        // the corpus files, and the registry's fixture of the kind (test/fixtures/kinds)
        const fixture = join(__dirname, '..', 'test', 'fixtures', 'kinds', `${k.kind}.xml`);
        const printed = live([...files.map(([d, f]) => join(T, d, f)), ...(existsSync(fixture) ? [fixture] : [])]).filter((r) => r.ok);
        let ok = 0;
        for (const r of printed) {
          try {
            if (k.format(k.parse(r.xml!) as never) === r.xml) ok++;
            else failures.push(`12.9 output of ${r.file}: not byte-identical`);
          } catch (e) {
            failures.push(`12.9 output of ${r.file}: ${message(e)}`);
          }
        }
        row(`${k.kind}: libvirt 12.9 test driver output (redefined, dumped; corpus and fixture) byte-identical`, printed.length, ok);
      }

      // inputs: a fixed point after one round trip, or refused (-invalid files)
      let fixed = 0;
      let rejected = 0;
      for (const [dir, f] of files) {
        const x = read(dir, f);
        if (f.includes('-invalid') && !vx.validateXml(x, { profile: 'libvirt', kind: k.kind }).valid) {
          rejected++;
          continue;
        }
        try {
          const once = k.format(k.parse(x) as never);
          if (k.format(k.parse(once) as never) === once) fixed++;
          else failures.push(`${dir}/${f}: not a fixed point after one round trip`);
        } catch (e) {
          failures.push(`${dir}/${f}: ${message(e)}`);
        }
      }
      row(`${k.kind}: corpus inputs a fixed point (or, -invalid, refused: ${rejected})`, files.length, fixed + rejected);

      if (SCHEMAS) {
        const report = undeclared(schemaNames(SCHEMAS, k), declNames(k.decl));
        const missing = [...report.missingElements, ...report.missingAttributes];
        rows.push({
          suite: `${k.kind}: ${k.schema} (12.9, nested ${k.nested.join(', ') || 'none'}) names declared in context`,
          files: report.elements + report.attributes,
          passed: report.elements + report.attributes - missing.length,
          share: `${((100 * (report.elements + report.attributes - missing.length)) / (report.elements + report.attributes)).toFixed(1)}% declared`,
        });
        for (const m of missing) failures.push(`${k.schema}: undeclared ${m}`);
      }

      if (!XMLLINT) continue;
      const paths = files.map(([d, f]) => join(T, d, f));
      xmllintRows(rows, failures, k.kind, paths, SCHEMA_DIRS, k.schema);
    }

    printTable("a domain's block-job documents (libvirt 10.7 corpus; schemas of every release; libvirt 12.9 test driver)", rows);
    if (failures.length) console.log('failures:\n  ' + failures.join('\n  '));
    for (const r of rows) expect(r.passed, String(r.suite)).toBe(r.files);
  });
});
