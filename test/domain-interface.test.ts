import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  netInterface,
  type HostdevInterface,
  type InterfaceActual,
  type InterfaceDef,
  type NetworkInterface,
} from '../src/domain/devices/interface.js';
import { formatContext, formatElement, parseWith, strictness } from '../src/xml/codec.js';
import type { FormatContext } from '../src/xml/decl.js';
import { VirtXmlError } from '../src/xml/errors.js';
import { toJsonSchema } from '../src/xml/jsonschema.js';
import { readXml } from '../src/xml/reader.js';

const CORPUS = join(__dirname, '..', '..', 'shared', 'libvirt-corpus', 'tests');

const parse = (xml: string): InterfaceDef => {
  const doc = readXml(xml);
  // strict: refused as libvirt's parser refuses a word or case it does not know (virtxml's default keeps them)
  return parseWith<InterfaceDef>(netInterface, doc.root, doc.source, strictness(true));
};
const format = (def: InterfaceDef, ctx: Partial<FormatContext> = {}) =>
  formatElement(netInterface, def, formatContext({ status: false, ...ctx }), 0);

/** Removes the indentation common to all non-empty lines. */
function dedent(block: string): string {
  const lines = block.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const n = Math.min(...indents);
  return lines.map((l) => l.slice(n)).join('\n');
}

/** '' when equal, else the first differing line. */
function firstDifference(expected: string, actual: string): string {
  if (expected === actual) return '';
  const a = expected.split('\n');
  const b = actual.split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  const k = i < 0 ? a.length : i;
  return `line ${k + 1}: expected ${JSON.stringify(a[k])}, got ${JSON.stringify(b[k])}`;
}

/** Every `<interface …>…</interface>` (or self-closed) block of a file, dedented. */
function interfaceBlocks(text: string): string[] {
  const re = /^( *)<interface\b(?:[^>]*\/>|[\s\S]*?^\1<\/interface>)/gm;
  return [...text.matchAll(re)].map((m) => dedent(m[0]));
}

function corpusBlocks(dir: string, filter: (f: string) => boolean): Array<{ id: string; xml: string }> {
  const path = join(CORPUS, dir);
  if (!existsSync(path)) return [];
  const out: Array<{ id: string; xml: string }> = [];
  for (const f of readdirSync(path).filter(filter).sort()) {
    const blocks = interfaceBlocks(readFileSync(join(path, f), 'utf8'));
    blocks.forEach((xml, i) => out.push({ id: `${dir}/${f}#${i + 1}`, xml }));
  }
  return out;
}

/**
 * Formatted blocks that are not byte-identical after parse + format, with the
 * reason. Keep this list exact: a block that starts passing must be removed.
 */
const EXPECTED_ROUNDTRIP_EXCEPTIONS: Record<string, string> = {};

/**
 * Inputs whose libvirt output is not what we write from the input (compared
 * as inactive XML, ignoring the mac, guest address and default model libvirt
 * adds), with the reason.
 */
const EXPECTED_INPUT_EXCEPTIONS: Record<string, string> = {
  'net-hostdev-fail#1':
    "libvirt drops <filterref> (read only for ethernet/network/bridge) and the virtio <driver queues> of a hostdev interface; we keep both as unknown content",
  'net-vhostuser-fail#1': 'libvirt drops <filterref> (read only for ethernet/network/bridge); we keep it as unknown content',
  'net-many-models#4': 'libvirt drops the XML comment inside <interface>; we keep it',
};

if (!existsSync(CORPUS)) console.warn(`domain-interface: libvirt corpus not found at ${CORPUS}; corpus round-trip tests skipped`);

describe.skipIf(!existsSync(CORPUS))('libvirt corpus: <interface> round trip', () => {
  const blocks = [
    ...corpusBlocks('qemuxmlconfdata', (f) => f.endsWith('-latest.xml')),
    ...corpusBlocks('qemuxmlactive2xmldata', (f) => f.endsWith('.xml')),
  ];

  it('finds the blocks', () => {
    expect(blocks.length).toBeGreaterThan(100);
  });

  it('formats every parsed block byte-identically (except the listed ones)', () => {
    const failures: Record<string, string> = {};
    for (const { id, xml } of blocks) {
      try {
        const def = parse(xml);
        // libvirt's test outputs are inactive XML; both forms must give the same bytes
        for (const ctx of [{}, { inactive: true }]) {
          const reason = firstDifference(xml, format(def, ctx));
          if (reason) failures[id] ??= reason + (ctx.inactive ? ' (inactive)' : '');
        }
      } catch (e) {
        failures[id] = `throws: ${(e as Error).message}`;
      }
    }
    const identical = blocks.length - Object.keys(failures).length;
    console.log(`<interface> corpus round trip: ${identical} of ${blocks.length} blocks byte-identical`);
    for (const [id, reason] of Object.entries(failures)) {
      console.log(`  ${id}: ${reason}${EXPECTED_ROUNDTRIP_EXCEPTIONS[id] ? ' [expected: ' + EXPECTED_ROUNDTRIP_EXCEPTIONS[id] + ']' : ''}`);
    }
    expect(Object.keys(failures).sort()).toEqual(Object.keys(EXPECTED_ROUNDTRIP_EXCEPTIONS).sort());
  });

  it("writes libvirt's output from libvirt's input", () => {
    const dir = join(CORPUS, 'qemuxmlconfdata');
    const failures: Record<string, string> = {};
    let n = 0;
    const addedByLibvirt = (line: string, input: string) =>
      /^  <(mac|address) /.test(line) || (/^  <model /.test(line) && !input.includes('<model '));
    for (const out of readdirSync(dir).filter((f) => f.endsWith('-latest.xml')).sort()) {
      const name = out.replace(/\.[a-z0-9_]+-latest\.xml$/, '');
      if (!existsSync(join(dir, name + '.xml'))) continue;
      const ins = interfaceBlocks(readFileSync(join(dir, name + '.xml'), 'utf8'));
      const outs = interfaceBlocks(readFileSync(join(dir, out), 'utf8'));
      if (ins.length !== outs.length) continue;
      ins.forEach((input, i) => {
        n++;
        const id = `${name}#${i + 1}`;
        try {
          const strip = (s: string) => s.split('\n').filter((l) => !addedByLibvirt(l, input)).join('\n');
          const reason = firstDifference(strip(outs[i]!), strip(format(parse(input), { inactive: true })));
          if (reason) failures[id] = reason;
        } catch (e) {
          failures[id] = `throws: ${(e as Error).message}`;
        }
      });
    }
    console.log(`<interface> input -> libvirt output: ${n - Object.keys(failures).length} of ${n} blocks`);
    for (const [id, reason] of Object.entries(failures)) console.log(`  ${id}: ${reason}`);
    expect(n).toBeGreaterThan(100);
    expect(Object.keys(failures).sort()).toEqual(Object.keys(EXPECTED_INPUT_EXCEPTIONS).sort());
  });

  it('every parsed block satisfies the JSON Schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(toJsonSchema(netInterface, 'urn:virtxml:interface', 'interface'));
    for (const { id, xml } of blocks) {
      const def = JSON.parse(JSON.stringify(parse(xml)));
      expect(validate(def) ? [] : validate.errors, id).toEqual([]);
    }
  });

  it('formatting is a fixed point on every block', () => {
    for (const { id, xml } of blocks) {
      const once = format(parse(xml));
      expect(format(parse(once)), id).toBe(once);
    }
  });
});

// ---------------------------------------------------------------- our own fixtures

const HOSTDEV = `<interface type='hostdev' managed='yes'>
  <mac address='52:54:00:aa:bb:01'/>
  <driver name='vfio' group='auto'/>
  <source>
    <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>
  </source>
  <vlan>
    <tag id='7'/>
  </vlan>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
</interface>`;

describe('type=hostdev', () => {
  it("round-trips <driver group='auto'> as groupMgmt", () => {
    const def = parse(HOSTDEV);
    expect(def.type).toBe('hostdev');
    const h = def as HostdevInterface;
    expect(h.driver).toEqual({ name: 'vfio', groupMgmt: 'auto' });
    expect(h.managed).toBe(true);
    expect(format(def)).toBe(HOSTDEV);
    // stripped for upstream libvirt
    expect(format(def, { stripExtensions: true })).toContain("<driver name='vfio'/>");
  });

  it('absent group is undefined and not written', () => {
    const xml = HOSTDEV.replace(" group='auto'", '');
    const h = parse(xml) as HostdevInterface;
    expect(h.driver?.groupMgmt).toBeUndefined();
    expect(format(h)).toBe(xml);
  });

  it('an empty <driver/> is not written', () => {
    const h = parse(HOSTDEV.replace("<driver name='vfio' group='auto'/>", '<driver/>'));
    expect(format(h)).not.toContain('<driver');
  });

  it("rejects group='bogus' with a place", () => {
    const xml = HOSTDEV.replace("group='auto'", "group='bogus'");
    let err: unknown;
    try {
      parse(xml);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VirtXmlError);
    const e = err as VirtXmlError;
    expect(e.message).toContain('bogus');
    expect(e.line).toBe(3);
    expect(e.column).toBe(23);
    expect(e.path).toBe('/interface/driver/@group');
    expect(e.path!.endsWith('/driver/@group')).toBe(true);
  });

  it("drops managed='no' and keeps managed='yes'", () => {
    const no = parse(HOSTDEV.replace("managed='yes'", "managed='no'")) as HostdevInterface;
    expect(no.managed).toBe(false);
    expect(format(no)).toMatch(/^<interface type='hostdev'>\n/);
    const yes = parse(HOSTDEV) as HostdevInterface;
    expect(format(yes)).toMatch(/^<interface type='hostdev' managed='yes'>\n/);
  });

  it('reads a decimal PCI source address and writes it in hex', () => {
    const xml = HOSTDEV.replace("bus='0x03' slot='0x10' function='0x2'", "bus='3' slot='16' function='2'");
    const h = parse(xml) as HostdevInterface;
    expect(h.source.address).toEqual({ type: 'pci', domain: 0, bus: 3, slot: 16, function: 2 });
    expect(format(h)).toBe(HOSTDEV);
  });

  it('rejects an invalid PCI source address with libvirt’s message', () => {
    expect(() => parse(HOSTDEV.replace("slot='0x10'", "slot='0x20'"))).toThrow(/Invalid PCI address slot='0x20', must be <= 0x1F/);
    expect(() => parse(HOSTDEV.replace("type='pci' domain", "type='scsi' domain"))).toThrow(
      /unknown host device source address type 'scsi'/,
    );
  });

  it('reads a USB source by vendor/product and writes the address typed', () => {
    const xml = `<interface type='hostdev'>
  <source>
    <vendor id='0x1234'/>
    <product id='0xbeef'/>
    <address bus='1' device='3'/>
  </source>
</interface>`;
    const h = parse(xml) as HostdevInterface;
    expect(h.source.vendor?.id).toBe(0x1234);
    expect(format(h)).toBe(xml.replace("<address bus", "<address type='usb' bus"));
  });

  it('narrows by type', () => {
    const def: InterfaceDef = parse(HOSTDEV);
    if (def.type === 'hostdev') {
      const a = def.source?.address;
      expectTypeOf(def).toEqualTypeOf<HostdevInterface>();
      expect(a?.type).toBe('pci');
      if (a?.type === 'pci') expect(a.slot).toBe(0x10);
    } else {
      throw new Error('not narrowed');
    }
  });
});

const NETWORK_STATUS = `<interface type='network'>
  <mac address='52:54:00:aa:bb:02'/>
  <source network='hostnet' portid='0b1d0d3a-7bd6-4d4d-9bb4-6a8b2a9c5e11'/>
  <actual type='hostdev' managed='yes'>
    <driver name='vfio'/>
    <source>
      <address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/>
    </source>
    <vlan>
      <tag id='42'/>
    </vlan>
  </actual>
  <model type='virtio'/>
  <alias name='net0'/>
</interface>`;

describe('type=network', () => {
  it('writes <actual> only in status XML', () => {
    const def = parse(NETWORK_STATUS);
    expect(def.type).toBe('network');
    const n = def as NetworkInterface;
    expect(n.actual?.type).toBe('hostdev');
    expect(format(def, { status: true })).toBe(NETWORK_STATUS);
    const plain = format(def);
    expect(plain).not.toContain('<actual');
    expect(plain).toContain("<source network='hostnet' portid='0b1d0d3a-7bd6-4d4d-9bb4-6a8b2a9c5e11'/>");
  });

  it('leaves portid out of inactive XML', () => {
    expect(format(parse(NETWORK_STATUS), { inactive: true })).toContain("<source network='hostnet'/>");
  });

  it('types <actual> as a union', () => {
    const n = parse(NETWORK_STATUS) as NetworkInterface;
    const a: InterfaceActual | undefined = n.actual;
    if (a?.type === 'hostdev') {
      expect(a.managed).toBe(true);
      expect(a.source.address?.type).toBe('pci');
    } else {
      throw new Error('not narrowed');
    }
  });

  it('reads the other <actual> types', () => {
    const withActual = (actual: string) =>
      `<interface type='network'>\n  <source network='n'/>\n${actual
        .split('\n')
        .map((l) => '  ' + l)
        .join('\n')}\n</interface>`;
    for (const a of [
      "<actual type='network'>\n  <source bridge='virbr0' macTableManager='libvirt'/>\n  <class id='3'/>\n</actual>",
      "<actual type='bridge'>\n  <source bridge='br0'/>\n</actual>",
      "<actual type='direct' trustGuestRxFilters='yes'>\n  <source dev='eth0' mode='vepa'/>\n</actual>",
    ]) {
      const xml = withActual(a);
      expect(format(parse(xml), { status: true })).toBe(xml);
    }
    expect(() => parse(withActual("<actual type='user'/>"))).toThrow(/unsupported type 'user' in interface's <actual> element/);
    expect(() =>
      parse(withActual("<actual type='network'>\n  <virtualport type='openvswitch'/>\n</actual>")),
    ).toThrow(/<virtualport> element unsupported for type='network'/);
  });
});

describe('other types and options', () => {
  it('reads an absent type as user', () => {
    const def = parse("<interface>\n  <mac address='52:54:00:00:00:01'/>\n</interface>");
    expect(def.type).toBe('user');
    expect(format(def)).toBe("<interface type='user'>\n  <mac address='52:54:00:00:00:01'/>\n</interface>");
  });

  it('rejects an unknown type and a multicast MAC', () => {
    expect(() => parse("<interface type='bogus'/>")).toThrow(/'bogus'/);
    expect(() => parse("<interface type='user'>\n  <mac address='01:00:5e:00:00:01'/>\n</interface>")).toThrow(
      /expected unicast mac address/,
    );
  });

  it('round-trips every type in canonical order', () => {
    const cases = [
      `<interface type='direct' trustGuestRxFilters='no'>
  <mac address='52:54:00:00:00:02'/>
  <source dev='eth0' mode='passthrough'/>
  <virtualport type='802.1Qbh'>
    <parameters profileid='p1'/>
  </virtualport>
  <model type='virtio'/>
</interface>`,
      `<interface type='bridge'>
  <source bridge='br0'/>
  <target dev='tap7' managed='no'/>
  <model type='virtio'/>
  <driver name='vhost' txmode='iothread' ioeventfd='on' event_idx='off' queues='4' rx_queue_size='256' tx_queue_size='256' rss='on' rss_hash_report='off' iommu='on' ats='off' packed='on' page_per_vq='off'>
    <host csum='off' gso='off' tso4='off' tso6='off' ecn='off' ufo='off' mrg_rxbuf='off'/>
    <guest csum='off' tso4='off' tso6='off' ecn='off' ufo='off'/>
  </driver>
  <filterref filter='clean-traffic'>
    <parameter name='A' value='1'/>
    <parameter name='IP' value='10.0.0.1'/>
    <parameter name='IP' value='10.0.0.2'/>
  </filterref>
  <tune>
    <sndbuf>2000</sndbuf>
  </tune>
  <link state='down'/>
  <mtu size='9000'/>
</interface>`,
      `<interface type='udp'>
  <source address='127.0.0.1' port='1111'>
    <local address='127.0.0.1' port='2222'/>
  </source>
</interface>`,
      `<interface type='mcast'>
  <source address='230.0.0.1' port='5558'/>
</interface>`,
      `<interface type='internal'>
  <source name='intnet'/>
</interface>`,
      `<interface type='null'>
  <mac address='52:54:00:00:00:03'/>
</interface>`,
      `<interface type='vds'>
  <source switchid='12345678-1234-1234-1234-123456789abc' portid='6' portgroupid='pg-1' connectionid='13'/>
</interface>`,
      `<interface type='ethernet'>
  <source>
    <ip address='192.168.122.1' prefix='24'/>
  </source>
  <ip address='192.168.122.2' prefix='24'/>
  <route address='10.0.0.0' prefix='8' gateway='192.168.122.1'/>
  <script path='/etc/qemu-ifup'/>
  <downscript path='/etc/qemu-ifdown'/>
  <backenddomain name='netvm'/>
  <target dev='tap0'/>
  <guest dev='eth0' actual='eth1'/>
  <model type='e1000e'/>
  <teaming type='persistent'/>
  <boot order='2'/>
  <rom enabled='no'/>
  <acpi index='3'/>
</interface>`,
    ];
    for (const xml of cases) expect(format(parse(xml))).toBe(xml);
  });

  it('writes canonical forms libvirt writes', () => {
    // filterref parameters sorted by name (libvirt keeps them in a hash)
    const f = parse(`<interface type='network'>
  <source network='n'/>
  <filterref filter='f'>
    <parameter name='Z' value='1'/>
    <parameter name='A' value='2'/>
  </filterref>
</interface>`);
    expect(format(f)).toContain("<parameter name='A' value='2'/>\n    <parameter name='Z' value='1'/>");
    // vds ids are always written, direct mode defaults to vepa, backend type='default' dropped
    expect(format(parse("<interface type='vds'><source switchid='12345678123412341234123456789abc'/></interface>"))).toContain(
      "<source switchid='12345678-1234-1234-1234-123456789abc' portid='0' connectionid='0'/>",
    );
    expect(format(parse("<interface type='direct'><source dev='eth0'/></interface>"))).toContain("<source dev='eth0' mode='vepa'/>");
    expect(format(parse("<interface type='user'><backend type='default'/></interface>"))).toBe("<interface type='user'/>");
    // generated tap names are left out of inactive XML
    const t = parse("<interface type='bridge'><source bridge='br0'/><target dev='vnet3'/></interface>");
    expect(format(t)).toContain("<target dev='vnet3'/>");
    expect(format(t, { inactive: true })).not.toContain('<target');
  });

  it('keeps unknown content (filterref on a type libvirt ignores it for)', () => {
    const xml = `<interface type='vhostuser'>
  <source type='unix' path='/tmp/s' mode='client'>
    <reconnect enabled='yes' timeout='10'/>
  </source>
  <model type='virtio'/>
  <filterref filter='f'/>
  <future attr='x'/>
</interface>`;
    const def = parse(xml);
    expect(def.$extra?.nodes?.length).toBe(2);
    expect(format(def)).toBe(xml);
  });
});
