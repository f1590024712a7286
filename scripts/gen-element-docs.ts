/**
 * The per-element reference (docs/reference/*.md), generated from the
 * declarations that drive the parsers and formatters: every element path,
 * its attributes with their types and enums, its text, the TS field each
 * maps to, and a link to libvirt's documentation of it.
 *
 * `renderElementDocs()` is pure (tested for being in sync with the committed
 * files); scripts/gen-element-docs.mjs writes its output.
 */
import { SINCE } from '../src/validate/rng/since.generated.js';
import { grammarOf } from '../src/validate/rng/grammars.js';
import { LIBVIRT_RELEASES } from '../src/validate/rng/releases.js';
import { KINDS, type DocumentDefs } from '../src/kinds.js';
import { resolveDecl, xmlNameOf, type AttrField, type Decl, type ElementDecl, type Field, type UnionDecl } from '../src/xml/decl.js';

const LIBVIRT = 'https://libvirt.org';

/**
 * Sections of libvirt's formatdomain page, by element path prefix (the
 * longest match wins). Anchors are the ids libvirt's docs generate from the
 * section titles; paths not listed link to the page.
 */
const DOMAIN_ANCHORS: Array<[string, string]> = [
  ['/domain/name', 'general-metadata'],
  ['/domain/uuid', 'general-metadata'],
  ['/domain/genid', 'general-metadata'],
  ['/domain/title', 'general-metadata'],
  ['/domain/description', 'general-metadata'],
  ['/domain/metadata', 'general-metadata'],
  ['/domain/os', 'operating-system-booting'],
  ['/domain/bootloader', 'host-bootloader'],
  ['/domain/bootloader_args', 'host-bootloader'],
  ['/domain/sysinfo', 'smbios-system-information'],
  ['/domain/vcpu', 'cpu-allocation'],
  ['/domain/vcpus', 'cpu-allocation'],
  ['/domain/iothreads', 'iothreads-allocation'],
  ['/domain/iothreadids', 'iothreads-allocation'],
  ['/domain/defaultiothread', 'iothreads-allocation'],
  ['/domain/cputune', 'cpu-tuning'],
  ['/domain/maxMemory', 'memory-allocation'],
  ['/domain/memory', 'memory-allocation'],
  ['/domain/currentMemory', 'memory-allocation'],
  ['/domain/memoryBacking', 'memory-backing'],
  ['/domain/memtune', 'memory-tuning'],
  ['/domain/numatune', 'numa-node-tuning'],
  ['/domain/blkiotune', 'block-i-o-tuning'],
  ['/domain/resource', 'resource-partitioning'],
  ['/domain/cpu', 'cpu-model-and-topology'],
  ['/domain/on_poweroff', 'events-configuration'],
  ['/domain/on_reboot', 'events-configuration'],
  ['/domain/on_crash', 'events-configuration'],
  ['/domain/on_lockfailure', 'events-configuration'],
  ['/domain/pm', 'power-management'],
  ['/domain/features', 'hypervisor-features'],
  ['/domain/clock', 'time-keeping'],
  ['/domain/perf', 'performance-monitoring-events'],
  ['/domain/idmap', 'user-namespace'],
  ['/domain/devices', 'devices'],
  ['/domain/devices/emulator', 'devices'],
  ['/domain/devices/disk', 'hard-drives-floppy-disks-cdroms'],
  ['/domain/devices/filesystem', 'filesystems'],
  ['/domain/devices/controller', 'controllers'],
  ['/domain/devices/lease', 'device-leases'],
  ['/domain/devices/hostdev', 'host-device-assignment'],
  ['/domain/devices/redirdev', 'redirected-devices'],
  ['/domain/devices/redirfilter', 'redirected-devices'],
  ['/domain/devices/smartcard', 'smartcard-devices'],
  ['/domain/devices/interface', 'network-interfaces'],
  ['/domain/devices/input', 'input-devices'],
  ['/domain/devices/hub', 'hub-devices'],
  ['/domain/devices/graphics', 'graphical-framebuffers'],
  ['/domain/devices/video', 'video-devices'],
  ['/domain/devices/serial', 'consoles-serial-parallel-channel-devices'],
  ['/domain/devices/parallel', 'consoles-serial-parallel-channel-devices'],
  ['/domain/devices/console', 'consoles-serial-parallel-channel-devices'],
  ['/domain/devices/channel', 'consoles-serial-parallel-channel-devices'],
  ['/domain/devices/sound', 'sound-devices'],
  ['/domain/devices/audio', 'audio-backends'],
  ['/domain/devices/watchdog', 'watchdog-devices'],
  ['/domain/devices/memballoon', 'memory-balloon-device'],
  ['/domain/devices/rng', 'random-number-generator-device'],
  ['/domain/devices/tpm', 'tpm-device'],
  ['/domain/devices/nvram', 'nvram-device'],
  ['/domain/devices/panic', 'panic-device'],
  ['/domain/devices/shmem', 'shared-memory-device'],
  ['/domain/devices/memory', 'memory-devices'],
  ['/domain/devices/iommu', 'iommu-devices'],
  ['/domain/devices/vsock', 'vsock'],
  ['/domain/devices/crypto', 'crypto'],
  ['/domain/devices/pstore', 'pstore'],
  ['/domain/seclabel', 'security-label'],
  ['/domain/keywrap', 'key-wrap'],
  ['/domain/launchSecurity', 'launch-security'],
];

const NETWORK_ANCHORS: Array<[string, string]> = [
  ['/network/name', 'general-metadata'],
  ['/network/uuid', 'general-metadata'],
  ['/network/title', 'general-metadata'],
  ['/network/description', 'general-metadata'],
  ['/network/metadata', 'general-metadata'],
  ['/network/bridge', 'connectivity'],
  ['/network/mtu', 'connectivity'],
  ['/network/domain', 'connectivity'],
  ['/network/forward', 'connectivity'],
  ['/network/bandwidth', 'quality-of-service'],
  ['/network/vlan', 'setting-vlan-tag'],
  ['/network/port', 'isolating-ports'],
  ['/network/route', 'static-routes'],
  ['/network/mac', 'addressing'],
  ['/network/dns', 'addressing'],
  ['/network/ip', 'addressing'],
];

/** A page: a document kind of the registry (src/kinds.ts), which gives its declaration and def type. */
interface Page {
  /** The kind; the page is `<kind>.md`. */
  kind: keyof DocumentDefs;
  title: string;
  url: string;
  anchors: Array<[string, string]>;
  intro: string;
  /**
   * Children described before their siblings (a shared declaration is
   * described at its first path: `<devices>` first puts the storage
   * `<source>` under `<disk>`, where readers look for it, not under `<os><nvram>`).
   */
  walkFirst?: string[];
  /** Pages whose declarations this page links to instead of describing them again (a snapshot's `<domain>`: the domain page's). */
  linked?: Array<keyof DocumentDefs>;
}

const PAGES: Page[] = [
  {
    kind: 'domain',
    title: '`<domain>` element reference',
    url: `${LIBVIRT}/formatdomain.html`,
    anchors: DOMAIN_ANCHORS,
    walkFirst: ['devices'],
    intro: 'Read by `parseDomainXml`, written by `formatDomainXml`, built by `build.domain()`.',
  },
  {
    kind: 'network',
    title: '`<network>` element reference',
    url: `${LIBVIRT}/formatnetwork.html`,
    anchors: NETWORK_ANCHORS,
    intro: 'Read by `parseNetworkXml`, written by `formatNetworkXml`, built by `build.network.*()`.',
  },
  {
    kind: 'networkport',
    title: '`<networkport>` element reference',
    url: `${LIBVIRT}/formatnetworkport.html`,
    anchors: [],
    intro: 'Read by `parseNetworkPortXml`, written by `formatNetworkPortXml`; handed out by `NetworkAllocator.allocatePort`.',
  },
  {
    kind: 'nodedev',
    title: '`<device>` (node device) element reference',
    url: `${LIBVIRT}/formatnode.html`,
    anchors: [],
    intro: 'Read by `parseNodeDeviceXml`, written by `formatNodeDeviceXml` (`virsh nodedev-dumpxml`); PCI devices make a host with `pciTopologyFromNodeDevices`.',
  },
  {
    kind: 'capabilities',
    title: '`<capabilities>` element reference',
    url: `${LIBVIRT}/formatcaps.html`,
    anchors: [],
    intro: 'Read by `parseCapabilitiesXml`, written by `formatCapabilitiesXml` (`virsh capabilities`).',
  },
  {
    kind: 'domainCapabilities',
    title: '`<domainCapabilities>` element reference',
    url: `${LIBVIRT}/formatdomaincaps.html`,
    anchors: [],
    intro: 'Read by `parseDomainCapabilitiesXml`, written by `formatDomainCapabilitiesXml` (`virsh domcapabilities`); `validateXml(xml, { domainCapabilities })` checks a domain against it.',
  },
  {
    kind: 'pool',
    title: '`<pool>` (storage pool) element reference',
    url: `${LIBVIRT}/formatstorage.html`,
    anchors: [],
    intro: 'Read by `parseStoragePoolXml`, written by `formatStoragePoolXml` (`virsh pool-dumpxml`); `storagePoolAsDefined` gives what libvirt keeps of a definition.',
  },
  {
    kind: 'volume',
    title: '`<volume>` (storage volume) element reference',
    url: `${LIBVIRT}/formatstorage.html`,
    anchors: [],
    intro: 'Read by `parseStorageVolXml`, written by `formatStorageVolXml` (`virsh vol-dumpxml`); `storageVolAsDefined` gives what libvirt keeps of a volume created in a pool.',
  },
  {
    kind: 'storagepoolCapabilities',
    title: '`<storagepoolCapabilities>` element reference',
    url: `${LIBVIRT}/formatstoragecaps.html`,
    anchors: [],
    intro: 'Read by `parseStoragePoolCapabilitiesXml`, written by `formatStoragePoolCapabilitiesXml` (`virsh pool-capabilities`).',
  },
  {
    kind: 'secret',
    title: '`<secret>` element reference',
    url: `${LIBVIRT}/formatsecret.html`,
    anchors: [],
    intro: 'Read by `parseSecretXml`, written by `formatSecretXml` (`virsh secret-dumpxml`).',
  },
  {
    kind: 'domainsnapshot',
    title: '`<domainsnapshot>` element reference',
    url: `${LIBVIRT}/formatsnapshot.html`,
    anchors: [],
    linked: ['domain'],
    intro: 'Read by `parseDomainSnapshotXml`, written by `formatDomainSnapshotXml` (`virsh snapshot-dumpxml`); the domain inside is described on the [domain page](domain.md).',
  },
  {
    kind: 'domaincheckpoint',
    title: '`<domaincheckpoint>` element reference',
    url: `${LIBVIRT}/formatcheckpoint.html`,
    anchors: [],
    linked: ['domain'],
    intro: 'Read by `parseDomainCheckpointXml`, written by `formatDomainCheckpointXml` (`virsh checkpoint-dumpxml`); the domain inside is described on the [domain page](domain.md).',
  },
  {
    kind: 'domainbackup',
    title: '`<domainbackup>` element reference',
    url: `${LIBVIRT}/formatbackup.html`,
    anchors: [],
    linked: ['domain'],
    intro: 'Read by `parseDomainBackupXml`, written by `formatDomainBackupXml` (`virsh backup-dumpxml`); `alignBackupDisks` completes a job as libvirt runs it.',
  },
];

/** `[@type='pci']` selectors and indexes dropped: the plain element path used for links. */
function plainPath(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '');
}

function linkFor(page: Page, path: string): string {
  const p = plainPath(path);
  let best: [string, string] | undefined;
  for (const a of page.anchors) {
    if ((p === a[0] || p.startsWith(a[0] + '/')) && (!best || a[0].length > best[0].length)) best = a;
  }
  return best ? `${page.url}#${best[1]}` : page.url;
}

function anchorId(path: string): string {
  return path
    .replace(/^\//, '')
    .replace(/\[@([^=]+)='([^']*)'\]/g, '-$1-$2')
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '')
    .toLowerCase();
}

function cell(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const signatures = new WeakMap<object, string>();

function fieldSignature(key: string, f: Field, stack: Set<object> = new Set()): string {
  const base = `${key}:${f.kind}:${xmlNameOf(key, f)}:${f.required}:${f.doc ?? ''}:${f.extension ?? ''}`;
  if (f.kind === 'attr' || f.kind === 'text' || f.kind === 'value') return `${base}:${f.type.name}:${JSON.stringify(f.type.schema)}:${String((f as AttrField).default)}`;
  if (f.kind === 'child' || f.kind === 'list') return `${base}:${signature(f.decl, stack)}`;
  return base;
}

/**
 * A structural signature of a declaration: two declarations made by the
 * same helper (a `<source>` per storage type, the chardev cases of each
 * device) describe the same XML and are documented once.
 */
function signature(decl: Decl, stack: Set<object> = new Set()): string {
  const d = resolveDecl(decl);
  const memo = signatures.get(d);
  if (memo !== undefined) return memo;
  if (stack.has(d)) return `<recursive ${d.name}>`;
  stack.add(d);
  let s: string;
  if (d.kind === 'union' && d.select) {
    s = `choice ${d.name} {${Object.entries(d.cases).map(([k, c]) => `${k}=${signature(c, stack)}`).join(',')}}`;
  } else if (d.kind === 'union') {
    s = `union ${d.name} @${d.discriminator} {${Object.entries(d.cases).map(([k, c]) => `${k}=${signature(c, stack)}`).join(',')}}`;
  } else {
    const parts = Object.entries(d.fields).map(([key, f]) => fieldSignature(key, f, stack));
    s = `element ${d.name} ${d.doc ?? ''} {${parts.join(',')}}`;
  }
  stack.delete(d);
  signatures.set(d, s);
  return s;
}

function typeOf(f: AttrField | { type: { name: string; schema: Record<string, unknown> } }): string {
  const schema = f.type.schema as { enum?: string[]; const?: unknown };
  if (schema.enum) return schema.enum.map((v) => `\`${v}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  return cell(f.type.name);
}

function requirement(f: Field): string {
  if (f.kind === 'attr' && f.default !== undefined) return `default \`${String(f.default)}\``;
  return f.required ? 'required' : 'optional';
}

/** The since table of a page: its kind's grammar's (empty for a kind libvirt has no schema of). */
function sinceTable(page: Page): Readonly<Record<string, string>> {
  const g = KINDS[page.kind].grammar;
  return g ? SINCE[g.grammar] : {};
}

const oldest = new Map<string, Set<string>>();

/**
 * The names (`parent>element`, `parent>element@attribute`) of a page's
 * grammar in the oldest release: they need no "since", whatever other
 * contexts of the same name say.
 */
function oldestNames(page: Page): Set<string> {
  const g = KINDS[page.kind].grammar;
  let names = oldest.get(page.kind);
  if (names) return names;
  oldest.set(page.kind, (names = new Set()));
  const grammar = g && grammarOf(LIBVIRT_RELEASES[0], g.grammar);
  if (!grammar) return names;
  type NameClass = { k: string; local?: string; a?: NameClass; b?: NameClass };
  const locals = (nc: NameClass): string[] => (nc.k === 'name' ? [nc.local!] : nc.k === 'choice' ? [...locals(nc.a!), ...locals(nc.b!)] : []);
  const seen = new Set<string>();
  const visit = (id: number, parent: string, current: string): void => {
    const key = `${id}|${parent}|${current}`;
    if (seen.has(key)) return;
    seen.add(key);
    const n = grammar.nodes[id] as unknown[] | null;
    if (!n) return;
    switch (n[0]) {
      case 'choice':
      case 'group':
      case 'interleave':
        for (const k of n[1] as number[]) visit(k, parent, current);
        break;
      case 'oneOrMore':
      case 'list':
        visit(n[1] as number, parent, current);
        break;
      case 'element':
        for (const name of locals(n[1] as NameClass)) {
          names.add(`${current}>${name}`);
          visit(n[2] as number, current, name);
        }
        break;
      case 'attribute':
        for (const name of locals(n[1] as NameClass)) names.add(`${parent}>${current}@${name}`);
        break;
      default:
    }
  };
  visit(grammar.entries[g.entry]!, '', '');
  return names;
}

/** The last two element names of a reference path (`/domain/devices/hostdev[@type='pci']/driver` → devices, driver). */
function lastTwo(path: string): [string, string] {
  const names = path.replace(/\[[^\]]*\]/g, '').split('/').filter(Boolean);
  return [names[names.length - 2] ?? '', names[names.length - 1] ?? ''];
}

/**
 * "since libvirt X" of a name, and of the values newer than libvirt 9.0 an
 * attribute or element takes, from the differences between the releases'
 * schemas (src/validate/rng/since.generated.ts).
 */
function sinceNote(page: Page, key: string): string {
  const table = sinceTable(page);
  const parts: string[] = [];
  // a context the schema does not have (virtxml's <actual>): the same name elsewhere, when every context agrees
  const tail = key.slice(key.indexOf('>'));
  const others = [...new Set(Object.entries(table).filter(([k]) => k.endsWith(tail) && !k.includes('=')).map(([, r]) => r))];
  const own = table[key] ?? (others.length === 1 && !Object.hasOwn(table, key) && !oldestNames(page).has(key) ? others[0] : undefined);
  if (own) parts.push(`since libvirt ${own}`);
  const values = Object.entries(table).filter(([k]) => k.startsWith(key + '='));
  if (values.length) parts.push('values since: ' + values.map(([k, r]) => `\`${k.slice(key.length + 1)}\` ${r}`).join(', '));
  return parts.join('; ');
}

function notes(f: Field, since = ''): string {
  const parts: string[] = [];
  if (since) parts.push(since);
  if (f.extension) parts.push(`**${f.extension} extension** (left out by \`stripExtensions\`)`);
  if (f.doc) parts.push(f.doc);
  return cell(parts.join('. '));
}

interface Ctx {
  page: Page;
  out: string[];
  /** First path each element declaration (by structure) was documented at. */
  seen: Map<string, string>;
}

function tsPath(parent: string, key: string, f: Field): string {
  return f.kind === 'list' ? `${parent}.${key}[]` : `${parent}.${key}`;
}

function walk(ctx: Ctx, decl: Decl, path: string, ts: string): void {
  const d = resolveDecl(decl);
  ctx.seen.set(signature(d), path);
  if (d.kind === 'union' && d.select) {
    // a choice of elements: each at its own path
    const parent = path.slice(0, path.lastIndexOf('/'));
    for (const [k, c] of Object.entries(d.cases)) walk(ctx, c, `${parent}/${k}`, ts);
    return;
  }
  if (d.kind === 'union') {
    const cases = Object.entries(d.cases);
    const at = xmlAttrName(d);
    // fields every variant has, the same way: described once, at the union's path
    const common = Object.entries(cases[0]![1].fields).filter(
      ([key, f]) => key !== d.discriminator && cases.every(([, c]) => c.fields[key] !== undefined && fieldSignature(key, c.fields[key]!) === fieldSignature(key, f)),
    );
    const commonKeys = new Set(common.map(([k]) => k));
    ctx.out.push(
      `<a id="${anchorId(path)}"></a>`,
      '',
      `### ${path}`,
      '',
      `${d.doc ? cell(d.doc) + '. ' : ''}One of ${cases.length} variants by \`@${at}\`${d.defaultCase ? ` (absent: \`${d.defaultCase}\`)` : ''}: ${cases
        .map(([c]) => `[\`${c}\`](#${anchorId(`${path}[@${at}='${c}']`)})`)
        .join(', ')}. TS: \`${ts}\`, narrowed by \`${d.discriminator}\`. libvirt: [${linkLabel(ctx.page, path)}](${linkFor(ctx.page, path)})`,
      '',
    );
    if (common.length) {
      ctx.out.push('Every variant has these:', '');
      fieldTables(ctx, common, path, ts);
    }
    for (const [k, c] of cases) {
      const own = Object.entries(c.fields).filter(([key]) => !commonKeys.has(key));
      const casePath = `${path}[@${at}='${k}']`;
      ctx.out.push(`<a id="${anchorId(casePath)}"></a>`, '', `### ${casePath}`, '');
      ctx.out.push(`${c.doc ? cell(c.doc) + '. ' : ''}TS: \`${ts}\` with \`${d.discriminator}: '${k}'\`${common.length ? `; also the fields every [${path}](#${anchorId(path)}) has` : ''}.`, '');
      fieldTables(ctx, own, casePath, ts);
    }
    return;
  }
  element(ctx, d, path, ts);
}

function xmlAttrName(u: UnionDecl): string {
  const f = Object.values(u.cases)[0]!.fields[u.discriminator]!;
  return xmlNameOf(u.discriminator, f);
}

function linkLabel(page: Page, path: string): string {
  const l = linkFor(page, path);
  const i = l.indexOf('#');
  return i < 0 ? l.slice(l.lastIndexOf('/') + 1) : l.slice(l.lastIndexOf('/') + 1, i) + ' § ' + l.slice(i + 1);
}

function element(ctx: Ctx, d: ElementDecl, path: string, ts: string): void {
  ctx.out.push(`<a id="${anchorId(path)}"></a>`, '', `### ${path}`, '');
  ctx.out.push(`${d.doc ? cell(d.doc) + '. ' : ''}TS: \`${ts}\`. libvirt: [${linkLabel(ctx.page, path)}](${linkFor(ctx.page, path)})`, '');
  fieldTables(ctx, Object.entries(d.fields), path, ts);
}

/** The attribute and child tables of some fields, then the sections of the child elements not described yet. */
function fieldTables(ctx: Ctx, fields: Array<[string, Field]>, path: string, ts: string): void {
  const o = ctx.out;
  const attrs = fields.filter(([, f]) => f.kind === 'attr' || f.kind === 'text');
  if (attrs.length) {
    o.push('| attribute | type | TS field | presence | notes |', '|---|---|---|---|---|');
    for (const [key, f] of attrs) {
      const name = f.kind === 'text' ? '(text)' : `@${xmlNameOf(key, f)}`;
      const [parent, el] = lastTwo(path);
      const sk = f.kind === 'text' ? `${parent}>${el}` : `${parent}>${el}@${xmlNameOf(key, f)}`;
      o.push(`| \`${name}\` | ${typeOf(f as AttrField)} | \`${key}\` | ${requirement(f)} | ${notes(f, sinceNote(ctx.page, sk))} |`);
    }
    o.push('');
  }
  const kids = fields.filter(([, f]) => f.kind !== 'attr' && f.kind !== 'text');
  if (!kids.length) return;
  o.push('| child | content | TS field | presence | notes |', '|---|---|---|---|---|');
  const nested: Array<[string, Field, string]> = [];
  for (const [key, f] of kids) {
    const xml = xmlNameOf(key, f);
    const childPath = `${path}/${xml}`;
    let content: string;
    switch (f.kind) {
      case 'value':
        content = `text: ${typeOf(f)}`;
        break;
      case 'flag':
        content = 'empty (present = `true`)';
        break;
      case 'raw':
        content = 'any XML, kept exactly';
        break;
      case 'child':
      case 'list': {
        const first = ctx.seen.get(signature(f.decl));
        const [onPage, at] = first?.includes('.md#') ? first.split('.md#') : [undefined, first];
        if (at !== undefined) content = `as [${at}](${onPage !== undefined ? onPage + '.md' : ''}#${anchorId(at)})`;
        else {
          content = `[element](#${anchorId(childPath)})`;
          nested.push([key, f, childPath]);
          ctx.seen.set(signature(f.decl), childPath);
        }
        break;
      }
      default:
        content = '';
    }
    const presence = f.kind === 'list' ? 'repeated' : requirement(f);
    const [, el] = lastTwo(childPath.slice(0, childPath.lastIndexOf('/')));
    o.push(`| \`<${xml}>\` | ${content} | \`${key}\` | ${presence} | ${notes(f, sinceNote(ctx.page, `${el}>${xml}`))} |`);
  }
  o.push('');
  const first = ctx.page.walkFirst ?? [];
  nested.sort(([a], [b]) => Number(first.includes(b)) - Number(first.includes(a)));
  for (const [key, f, childPath] of nested) {
    if (f.kind === 'child' || f.kind === 'list') walk(ctx, f.decl, childPath, tsPath(ts, key, f));
  }
}

/** The reference pages, by file name under docs/reference/. */
export function renderElementDocs(): Record<string, string> {
  const files: Record<string, string> = {};
  const seenOn = new Map<string, Map<string, string>>();
  for (const page of PAGES) {
    const ctx: Ctx = { page, out: [], seen: new Map() };
    for (const other of page.linked ?? []) for (const [sig, at] of seenOn.get(other) ?? []) ctx.seen.set(sig, at.includes('.md#') ? at : `${other}.md#${at}`);
    const entry = KINDS[page.kind];
    walk(ctx, entry.decl, '/' + resolveDecl(entry.decl).name, entry.defName ?? page.kind);
    seenOn.set(page.kind, ctx.seen);
    const sections = ctx.out.filter((l) => l.startsWith('### ')).length;
    files[`${page.kind}.md`] = [
      `# ${page.title}`,
      '',
      '<!-- Generated by scripts/gen-element-docs.mjs from the declarations in src/. Do not edit: run `npm run docs:reference`. -->',
      '',
      `${page.intro} Every element path the declarations know (${sections} sections), its attributes with their types, the TS field each maps to, and libvirt's documentation of it ([${page.url.slice(page.url.lastIndexOf('/') + 1)}](${page.url})). Variants of a union are written \`element[@attr='value']\`; an element declared once and used in several places is described at its first path and linked from the others. Content the declarations do not know is kept and written back (\`$extra\`).`,
      '',
      ...ctx.out,
    ].join('\n');
  }
  return files;
}
