/**
 * The `<domain>` root and every top-level child but `<devices>`: canonical
 * documents written here in libvirt's form (byte-identical round trips),
 * libvirt's normalisations when reading (scaled sizes, CPU sets, defaults,
 * NUMA distances, placement), its formatting rules (what is not written),
 * its parse-time errors, and the TS narrowing of the unions.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toJsonSchema } from '../src/xml/jsonschema.js';
import type { Decl } from '../src/xml/decl.js';
import {
  clock,
  cpu,
  cputune,
  features,
  launchSecurity,
  memoryBacking,
  numatune,
  os,
  sysinfo,
  bitmapMembers,
  cpuset,
  declareNamespaces,
  formatDomainXml,
  normaliseScaled,
  parseDomainXml,
  unitBytes,
  VirtXmlError,
  type Clock,
  type ClockTimer,
  type DomainDef,
  type LaunchSecurity,
  type Nvram,
  type Seclabel,
  type Sysinfo,
  type Vcpusched,
} from '../src/model.js';

/** A domain around some top-level elements (in canonical order), optionally with root attributes. */
const dom = (inner: string, rootAttrs = '') => `<domain type='kvm'${rootAttrs}>
  <name>t</name>
${inner}</domain>
`;

const roundTrip = (xml: string) => formatDomainXml(parseDomainXml(xml));

function rejects(xml: string): VirtXmlError {
  try {
  // strict: libvirt's parser refuses words and cases it does not know (virtxml's default keeps them)
    parseDomainXml(xml, { strict: true });
  } catch (e) {
    expect(e).toBeInstanceOf(VirtXmlError);
    return e as VirtXmlError;
  }
  throw new Error('expected parseDomainXml to reject');
}

const EVERYTHING = `<domain type='kvm' id='7' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>everything</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <genid>00010203-0405-4607-8809-0a0b0c0d0e0f</genid>
  <title>A title</title>
  <description>Some &lt;text&gt; &amp; more</description>
  <metadata>
    <app1:foo xmlns:app1="http://foo.org/">fooish</app1:foo>
  </metadata>
  <maxMemory slots='16' unit='KiB'>8388608</maxMemory>
  <memory dumpCore='off' unit='KiB'>4194304</memory>
  <currentMemory unit='KiB'>2097152</currentMemory>
  <blkiotune>
    <weight>800</weight>
    <device>
      <path>/dev/sda</path>
      <weight>500</weight>
      <read_iops_sec>10000</read_iops_sec>
      <write_iops_sec>20000</write_iops_sec>
      <read_bytes_sec>30000</read_bytes_sec>
      <write_bytes_sec>40000</write_bytes_sec>
    </device>
  </blkiotune>
  <memtune>
    <hard_limit unit='KiB'>9437184</hard_limit>
    <soft_limit unit='KiB'>8388608</soft_limit>
    <min_guarantee unit='KiB'>1048576</min_guarantee>
    <swap_hard_limit unit='KiB'>10485760</swap_hard_limit>
  </memtune>
  <memoryBacking>
    <hugepages>
      <page size='2048' unit='KiB' nodeset='0'/>
      <page size='1048576' unit='KiB' nodeset='1'/>
    </hugepages>
    <nosharepages/>
    <locked/>
    <source type='memfd'/>
    <access mode='shared'/>
    <allocation mode='immediate' threads='8'/>
    <discard/>
  </memoryBacking>
  <vcpu placement='static' cpuset='0-3,8' current='2'>4</vcpu>
  <vcpus>
    <vcpu id='0' enabled='yes' hotpluggable='no' order='1'/>
    <vcpu id='1' enabled='yes' hotpluggable='yes' order='2'/>
    <vcpu id='2' enabled='no' hotpluggable='yes'/>
    <vcpu id='3' enabled='no' hotpluggable='yes'/>
  </vcpus>
  <iothreads>2</iothreads>
  <iothreadids>
    <iothread id='1' thread_pool_min='2' thread_pool_max='8'>
      <poll max='32768' grow='2' shrink='4'/>
    </iothread>
    <iothread id='2'/>
  </iothreadids>
  <defaultiothread thread_pool_min='1' thread_pool_max='4'/>
  <cputune>
    <shares>2048</shares>
    <period>1000000</period>
    <quota>-1</quota>
    <global_period>1000000</global_period>
    <global_quota>-1</global_quota>
    <emulator_period>1000000</emulator_period>
    <emulator_quota>-1</emulator_quota>
    <iothread_period>1000000</iothread_period>
    <iothread_quota>-1</iothread_quota>
    <vcpupin vcpu='0' cpuset='0'/>
    <vcpupin vcpu='1' cpuset='1'/>
    <emulatorpin cpuset='2-3'/>
    <iothreadpin iothread='1' cpuset='2'/>
    <emulatorsched scheduler='fifo' priority='10'/>
    <vcpusched vcpus='0' scheduler='batch'/>
    <vcpusched vcpus='1' scheduler='rr' priority='5'/>
    <iothreadsched iothreads='1' scheduler='idle'/>
    <cachetune vcpus='0-1' id='vcpus_0-1'>
      <cache id='0' level='3' type='both' size='3' unit='MiB'/>
      <monitor level='3' vcpus='0-1'/>
    </cachetune>
    <memorytune vcpus='2-3'>
      <node id='0' bandwidth='60'/>
      <monitor vcpus='2-3'/>
    </memorytune>
  </cputune>
  <numatune>
    <memory mode='strict' nodeset='0-1'/>
    <memnode cellid='0' mode='preferred' nodeset='0'/>
  </numatune>
  <resource>
    <partition>/machine</partition>
    <fibrechannel appid='some-app'/>
  </resource>
  <sysinfo type='smbios'>
    <bios>
      <entry name='vendor'>LENOVO</entry>
      <entry name='version'>6FET82WW (3.12 )</entry>
    </bios>
    <system>
      <entry name='manufacturer'>Fedora</entry>
      <entry name='uuid'>c7a5fdbd-edaf-9455-926a-d65c16db1809</entry>
    </system>
    <baseBoard>
      <entry name='manufacturer'>LENOVO</entry>
      <entry name='product'>20BE0061MC</entry>
    </baseBoard>
    <chassis>
      <entry name='manufacturer'>Dell Inc.</entry>
      <entry name='serial'>65X0XF2</entry>
    </chassis>
    <oemStrings>
      <entry>myappname:some arbitrary data</entry>
    </oemStrings>
  </sysinfo>
  <sysinfo type='fwcfg'>
    <entry name='opt/com.example/name'>example value</entry>
    <entry name='opt/com.example/config' file='/tmp/provision.ign'/>
  </sysinfo>
  <os firmware='efi'>
    <type arch='x86_64' machine='pc-q35-9.0'>hvm</type>
    <firmware>
      <feature enabled='yes' name='enrolled-keys'/>
      <feature enabled='yes' name='secure-boot'/>
    </firmware>
    <loader readonly='yes' secure='yes' type='pflash' format='raw'>/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd</loader>
    <nvram template='/usr/share/edk2/ovmf/OVMF_VARS.fd' format='raw'>/var/lib/libvirt/qemu/nvram/guest_VARS.fd</nvram>
    <kernel>/boot/vmlinuz</kernel>
    <initrd>/boot/initrd.img</initrd>
    <cmdline>console=ttyS0 root=/dev/vda</cmdline>
    <dtb>/boot/board.dtb</dtb>
    <acpi>
      <table type='slic'>/path/to/slic.dat</table>
    </acpi>
    <boot dev='hd'/>
    <boot dev='network'/>
    <bootmenu enable='yes' timeout='3000'/>
    <bios useserial='yes' rebootTimeout='0'/>
    <smbios mode='sysinfo'/>
  </os>
  <features>
    <acpi/>
    <apic eoi='on'/>
    <pae/>
    <hap state='on'/>
    <viridian/>
    <privnet/>
    <hyperv mode='custom'>
      <relaxed state='on'/>
      <vapic state='on'/>
      <spinlocks state='on' retries='4096'/>
      <vpindex state='on'/>
      <runtime state='on'/>
      <synic state='on'/>
      <stimer state='on'>
        <direct state='on'/>
      </stimer>
      <reset state='on'/>
      <vendor_id state='on' value='KVM Hv'/>
      <frequencies state='on'/>
      <reenlightenment state='on'/>
      <tlbflush state='on'/>
      <ipi state='on'/>
      <evmcs state='on'/>
      <avic state='on'/>
      <emsr_bitmap state='on'/>
      <xmm_input state='on'/>
    </hyperv>
    <kvm>
      <hidden state='on'/>
      <hint-dedicated state='on'/>
      <poll-control state='on'/>
      <pv-ipi state='off'/>
      <dirty-ring state='on' size='4096'/>
    </kvm>
    <pvspinlock state='on'/>
    <capabilities policy='deny'>
      <chown state='on'/>
      <mknod state='on'/>
    </capabilities>
    <pmu state='off'/>
    <vmport state='off'/>
    <gic version='3'/>
    <smm state='on'>
      <tseg unit='MiB'>48</tseg>
    </smm>
    <ioapic driver='qemu'/>
    <hpt resizing='required'>
      <maxpagesize unit='KiB'>16</maxpagesize>
    </hpt>
    <vmcoreinfo state='on'/>
    <htm state='on'/>
    <nested-hv state='off'/>
    <msrs unknown='ignore'/>
    <ccf-assist state='on'/>
    <xen>
      <e820_host state='on'/>
      <passthrough state='on' mode='share_pt'/>
    </xen>
    <cfpc value='workaround'/>
    <sbbc value='fixed'/>
    <ibs value='fixed-ccd'/>
    <tcg>
      <tb-cache unit='KiB'>102400</tb-cache>
    </tcg>
    <async-teardown enabled='yes'/>
    <ras state='on'/>
    <ps2 state='off'/>
  </features>
  <cpu mode='custom' match='exact' check='partial'>
    <model fallback='forbid' vendor_id='GenuineIntel'>Skylake-Client</model>
    <vendor>Intel</vendor>
    <topology sockets='1' dies='1' clusters='1' cores='2' threads='2'/>
    <cache level='3' mode='emulate'/>
    <maxphysaddr mode='emulate' bits='42'/>
    <feature policy='require' name='vmx'/>
    <feature policy='disable' name='hle'/>
    <numa>
      <cell id='0' cpus='0-1' memory='2097152' unit='KiB' memAccess='shared' discard='yes'>
        <distances>
          <sibling id='0' value='10'/>
          <sibling id='1' value='21'/>
        </distances>
        <cache level='1' associativity='direct' policy='writeback'>
          <size value='10' unit='KiB'/>
          <line value='8' unit='B'/>
        </cache>
      </cell>
      <cell id='1' cpus='2-3' memory='2097152' unit='KiB'>
        <distances>
          <sibling id='0' value='21'/>
          <sibling id='1' value='10'/>
        </distances>
      </cell>
      <interconnects>
        <latency initiator='0' target='0' type='access' value='5'/>
        <latency initiator='0' target='0' cache='1' type='access' value='10'/>
        <bandwidth initiator='0' target='0' type='access' value='204800' unit='KiB'/>
      </interconnects>
    </numa>
  </cpu>
  <clock offset='variable' adjustment='-3600' basis='localtime'>
    <timer name='rtc' tickpolicy='catchup' track='guest'>
      <catchup threshold='123' slew='120' limit='10000'/>
    </timer>
    <timer name='pit' tickpolicy='delay'/>
    <timer name='hpet' present='no'/>
    <timer name='tsc' frequency='3504000000' mode='native'/>
    <timer name='kvmclock' present='yes'/>
  </clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>coredump-restart</on_crash>
  <on_lockfailure>poweroff</on_lockfailure>
  <pm>
    <suspend-to-mem enabled='no'/>
    <suspend-to-disk enabled='no'/>
  </pm>
  <perf>
    <event name='cmt' enabled='yes'/>
    <event name='cpu_cycles' enabled='no'/>
  </perf>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
  </devices>
  <seclabel type='dynamic' model='selinux' relabel='yes'>
    <label>system_u:system_r:svirt_t:s0:c1,c2</label>
    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>
    <baselabel>system_u:system_r:svirt_t:s0</baselabel>
  </seclabel>
  <seclabel type='none' model='dac'/>
  <keywrap>
    <cipher name='aes' state='on'/>
    <cipher name='dea' state='off'/>
  </keywrap>
  <launchSecurity type='sev' kernelHashes='yes'>
    <cbitpos>47</cbitpos>
    <reducedPhysBits>1</reducedPhysBits>
    <policy>0x0003</policy>
    <dhCert>AAA=</dhCert>
    <session>BBB=</session>
  </launchSecurity>
  <qemu:commandline>
    <qemu:arg value='-newarg'/>
    <qemu:env name='QEMU_ENV' value='VAL'/>
  </qemu:commandline>
  <qemu:capabilities>
    <qemu:add capability='blockdev'/>
    <qemu:del capability='drive'/>
  </qemu:capabilities>
  <qemu:override>
    <qemu:device alias='ua-disk'>
      <qemu:frontend>
        <qemu:property name='prop1' type='string' value='v'/>
        <qemu:property name='prop2' type='remove'/>
      </qemu:frontend>
    </qemu:device>
  </qemu:override>
  <qemu:deprecation behavior='reject'/>
</domain>
`;

const CONTAINER = `<domain type='lxc' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>
  <name>container</name>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64'>exe</type>
    <init>/sbin/init</init>
    <initarg>--unit</initarg>
    <initarg>emergency.service</initarg>
    <initenv name='MY_ENV'>some value</initenv>
    <initdir>/root</initdir>
    <inituser>nobody</inituser>
    <initgroup>nobody</initgroup>
  </os>
  <idmap>
    <uid start='0' target='1000' count='10'/>
    <gid start='0' target='1000' count='10'/>
  </idmap>
  <features>
    <privnet/>
    <capabilities policy='allow'>
      <sys_admin state='off'/>
    </capabilities>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/libexec/libvirt_lxc</emulator>
  </devices>
  <lxc:namespace>
    <lxc:sharenet type='netns' value='red'/>
    <lxc:shareipc type='pid' value='12345'/>
    <lxc:shareuts type='name' value='container1'/>
  </lxc:namespace>
</domain>
`;

const XEN_PV = `<domain type='xen' xmlns:xen='http://libvirt.org/schemas/domain/xen/1.0'>
  <name>pv</name>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <bootloader>/usr/bin/pygrub</bootloader>
  <bootloader_args>-q</bootloader_args>
  <os>
    <type arch='x86_64' machine='xenpv'>linux</type>
  </os>
  <clock offset='timezone' timezone='Europe/Paris'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>preserve</on_crash>
  <xen:commandline>
    <xen:arg value='-extra'/>
  </xen:commandline>
</domain>
`;

describe('canonical documents round-trip byte for byte', () => {
  it.each([
    ['every top-level element of a QEMU guest', EVERYTHING],
    ['an LXC container (init, idmap, capabilities, lxc:namespace)', CONTAINER],
    ['a Xen PV guest (bootloader, timezone clock, xen:commandline)', XEN_PV],
  ])('%s', (_what, xml) => {
    expect(roundTrip(xml)).toBe(xml);
  });

  it('reads everything into typed fields, leaving nothing unknown', () => {
    const d = parseDomainXml(EVERYTHING);
    const unknown: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v && typeof v === 'object' && !('type' in v && (v as { type: unknown }).type === 'element' && 'children' in v)) {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$extra' && path !== '/devices') unknown.push(path);
          else walk(x, `${path}/${k}`);
        }
      }
    };
    walk({ ...d, devices: undefined }, '');
    expect(unknown).toEqual([]);
    expect(d.xmlnsQemu).toBe('http://libvirt.org/schemas/domain/qemu/1.0');
    expect(d.memory).toEqual({ dumpCore: false, unit: 'KiB', value: 4194304 });
    expect(d.cpu?.numa?.cells?.map((c) => c.id)).toEqual([0, 1]);
    expect(d.features?.hyperv?.stimer?.direct?.state).toBe(true);
    expect(d.features?.tcg?.tbCache).toEqual({ unit: 'KiB', value: 102400 });
    expect(d.qemuOverride?.devices?.[0]?.frontend?.properties?.map((p) => p.type)).toEqual(['string', 'remove']);
    expect(d.launchSecurity).toMatchObject({ type: 'sev', policy: 3, cbitpos: 47 });
  });

  it('gives defs that the JSON Schema of their declarations accepts', () => {
    const d = parseDomainXml(EVERYTHING);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const parts: Array<[Decl, unknown]> = [
      [cpu, d.cpu],
      [clock, d.clock],
      [features, d.features],
      [cputune, d.cputune],
      [numatune, d.numatune],
      [memoryBacking, d.memoryBacking],
      [os, d.os],
      [sysinfo, d.sysinfos![1]],
      [launchSecurity, d.launchSecurity],
    ];
    for (const [decl, value] of parts) {
      const validate = ajv.compile(toJsonSchema(decl, `urn:test:${decl.name}`, decl.name));
      expect(validate(JSON.parse(JSON.stringify(value))), `${decl.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    // and refuses what the declarations refuse
    const validateCpu = ajv.compile(toJsonSchema(cpu, 'urn:test:cpu2', 'cpu'));
    expect(validateCpu({ mode: 'sideways' })).toBe(false);
  });

  it('leaves out the live-only parts in inactive XML', () => {
    const out = formatDomainXml(parseDomainXml(EVERYTHING), { inactive: true });
    expect(out).toContain("<domain type='kvm' xmlns:qemu=");
    expect(out).toContain("<cachetune vcpus='0-1'>");
  });
});

describe('scaled sizes are kept and written in libvirt’s unit', () => {
  it('knows virScaleInteger’s units', () => {
    expect(unitBytes('b')).toBe(1n);
    expect(unitBytes('bytes')).toBe(1n);
    expect(unitBytes('k')).toBe(1024n);
    expect(unitBytes('KiB')).toBe(1024n);
    expect(unitBytes('KB')).toBe(1000n);
    expect(unitBytes('MB')).toBe(1000000n);
    expect(unitBytes('G')).toBe(1024n ** 3n);
    expect(unitBytes('EiB')).toBe(1024n ** 6n);
    expect(unitBytes('Q')).toBeUndefined();
    expect(normaliseScaled(1, 'GiB', { write: 'pretty' })).toEqual({ value: 1, unit: 'GiB' });
    expect(normaliseScaled(1536, 'KiB', { write: 'pretty' })).toEqual({ value: 1536, unit: 'KiB' });
    expect(normaliseScaled(0, 'MiB', { write: 'pretty' })).toEqual({ value: 0, unit: 'B' });
    expect(normaliseScaled(5, 'GiB', { write: 'M', defaultUnit: 'B' })).toEqual({ value: 5120, unit: 'M' });
    expect(normaliseScaled(1048577, undefined, { write: 'M', defaultUnit: 'B' })).toEqual({ value: 1, unit: 'M' });
  });

  it('normalises <memory>, <maxMemory> and <currentMemory> to KiB, rounding up', () => {
    const d = parseDomainXml(
      dom(`  <maxMemory slots='4' unit='GiB'>8</maxMemory>
  <memory unit='KB'>1000</memory>
  <currentMemory>512</currentMemory>
`),
    );
    expect(d.maxMemory).toEqual({ slots: 4, unit: 'KiB', value: 8388608 });
    expect(d.memory).toEqual({ unit: 'KiB', value: 977 }); // 1 000 000 bytes
    expect(d.currentMemory).toEqual({ unit: 'KiB', value: 512 });
    expect(formatDomainXml(d)).toBe(
      dom(`  <maxMemory slots='4' unit='KiB'>8388608</maxMemory>
  <memory unit='KiB'>977</memory>
  <currentMemory unit='KiB'>512</currentMemory>
`),
    );
  });

  it('writes a size built in code in libvirt’s unit', () => {
    const d: DomainDef = { type: 'kvm', name: 't', memory: { unit: 'GiB', value: 2 } };
    expect(formatDomainXml(d)).toContain("<memory unit='KiB'>2097152</memory>");
    expect(d.memory).toEqual({ unit: 'GiB', value: 2 }); // the def itself is left alone
  });

  it("refuses a size too large with libvirt's message", () => {
    const e = rejects(dom(`  <memory unit='EiB'>16</memory>\n`));
    expect(e.code).toBe('invalid-value');
    expect(e.message).toContain('size value too large');
    expect(e.path).toBe('/domain/memory');
  });

  it('normalises huge pages, TSEG (largest exact unit, MiB by default), HPT page size and NUMA caches', () => {
    const d = parseDomainXml(
      dom(`  <memoryBacking>
    <hugepages>
      <page size='2' unit='M'/>
    </hugepages>
  </memoryBacking>
  <features>
    <smm state='on'>
      <tseg>48</tseg>
    </smm>
    <hpt>
      <maxpagesize unit='GiB'>1</maxpagesize>
    </hpt>
  </features>
  <cpu>
    <numa>
      <cell memory='1' unit='GiB'>
        <cache level='1' associativity='none' policy='none'>
          <size value='1' unit='MiB'/>
          <line value='1' unit='KiB'/>
        </cache>
      </cell>
    </numa>
  </cpu>
`),
    );
    expect(d.memoryBacking?.hugepages?.pages).toEqual([{ size: 2048, unit: 'KiB' }]);
    expect(d.features?.smm).toEqual({ state: true, tseg: { unit: 'MiB', value: 48 } });
    expect(d.features?.hpt?.maxpagesize).toEqual({ unit: 'KiB', value: 1048576 });
    const cell = d.cpu!.numa!.cells![0]!;
    expect(cell).toMatchObject({ id: 0, memory: 1048576, unit: 'KiB' });
    expect(cell.caches![0]!.size).toEqual({ value: 1024, unit: 'KiB' });
    expect(cell.caches![0]!.line).toEqual({ value: 1024, unit: 'B' });
    const tseg = parseDomainXml(dom(`  <features>\n    <smm state='on'>\n      <tseg unit='KiB'>12345</tseg>\n    </smm>\n  </features>\n`));
    expect(tseg.features?.smm?.tseg).toEqual({ unit: 'KiB', value: 12345 });
  });

  it('does not write unlimited or unset memory limits, nor an empty <memtune>', () => {
    expect(roundTrip(dom(`  <memtune>\n    <hard_limit unit='KiB'>9007199254740991</hard_limit>\n  </memtune>\n`))).toBe(dom(''));
    expect(roundTrip(dom(`  <memtune>\n    <min_guarantee>0</min_guarantee>\n    <soft_limit unit='bytes'>0</soft_limit>\n  </memtune>\n`))).toBe(
      dom(`  <memtune>\n    <soft_limit unit='KiB'>0</soft_limit>\n  </memtune>\n`),
    );
  });
});

describe('CPU and node sets are libvirt bitmaps', () => {
  it('reads any spelling and keeps the canonical one', () => {
    expect(cpuset.parse('0,1,2,3')).toBe('0-3');
    expect(cpuset.parse(' 8-9 , 0 ,^9, 2-4,^3')).toBe('0,2,4,8');
    expect(cpuset.format('3,1,2')).toBe('1-3');
    expect(bitmapMembers('0-2,5')).toEqual([0, 1, 2, 5]);
    const d = parseDomainXml(dom(`  <vcpu cpuset='1,2,3,^2,16383'>2</vcpu>\n`));
    expect(d.vcpu).toEqual({ placement: 'static', cpuset: '1,3,16383', count: 2 });
  });

  it.each([
    ['aaa', "Invalid value for attribute 'cpuset' in element 'vcpu': 'aaa'"],
    ['0,^0', "Invalid value for attribute 'cpuset' in element 'vcpu': '0,^0'"],
    ['3-1', "Invalid value for attribute 'cpuset' in element 'vcpu': '3-1'"],
    ['^1-2', "Invalid value for attribute 'cpuset' in element 'vcpu': '^1-2'"],
  ])('refuses %s', (set, message) => {
    const e = rejects(dom(`  <vcpu cpuset='${set}'>2</vcpu>\n`));
    expect(e.message).toContain(message);
    expect(e.path).toBe('/domain/vcpu/@cpuset');
    expect(e.line).toBe(3);
  });
});

describe('<cpu>', () => {
  it("fills libvirt's defaults: custom mode, exact match, fallback allow, one die and cluster, require policy", () => {
    const out = roundTrip(
      dom(`  <cpu>
    <model>Haswell</model>
    <topology sockets='2' cores='2' threads='1'/>
    <feature name='vmx'/>
  </cpu>
`),
    );
    expect(out).toBe(
      dom(`  <cpu mode='custom' match='exact'>
    <model fallback='allow'>Haswell</model>
    <topology sockets='2' dies='1' clusters='1' cores='2' threads='1'/>
    <feature policy='require' name='vmx'/>
  </cpu>
`),
    );
  });

  it('writes mode, match, migratable and model only where libvirt does', () => {
    // host-model: no match, a model without name left out
    expect(roundTrip(dom(`  <cpu mode='host-model' match='exact' migratable='on'>\n    <model fallback='forbid'/>\n  </cpu>\n`))).toBe(
      dom(`  <cpu mode='host-model'/>\n`),
    );
    // custom without a model: no mode, no match
    expect(roundTrip(dom(`  <cpu mode='custom' match='exact'>\n    <topology sockets='1' cores='1' threads='1'/>\n  </cpu>\n`))).toBe(
      dom(`  <cpu>\n    <topology sockets='1' dies='1' clusters='1' cores='1' threads='1'/>\n  </cpu>\n`),
    );
    // host-passthrough keeps migratable
    expect(roundTrip(dom(`  <cpu mode='host-passthrough' migratable='off'/>\n`))).toBe(dom(`  <cpu mode='host-passthrough' migratable='off'/>\n`));
  });

  it('numbers NUMA cells, keeps them in id order and completes the distances', () => {
    const d = parseDomainXml(
      dom(`  <cpu>
    <numa>
      <cell id='2' cpus='2' memory='1024'/>
      <cell cpus='0' memory='1024'>
        <distances>
          <sibling id='0' value='21'/>
          <sibling id='2' value='31'/>
        </distances>
      </cell>
      <cell id='0' cpus='1' memory='1024'/>
    </numa>
  </cpu>
`),
    );
    const cells = d.cpu!.numa!.cells!;
    expect(cells.map((c) => [c.id, c.cpus])).toEqual([
      [0, '1'],
      [1, '0'],
      [2, '2'],
    ]);
    const dist = (i: number) => cells[i]!.distances?.siblings?.map((s) => [s.id, s.value]);
    expect(dist(0)).toEqual([
      [0, 10],
      [1, 21],
    ]);
    expect(dist(1)).toEqual([
      [0, 21],
      [1, 10],
      [2, 31],
    ]);
    expect(dist(2)).toEqual([
      [1, 31],
      [2, 10],
    ]);
  });

  it.each([
    [`<cell id='1' memory='1'/><cell id='2' memory='1'/>`, "Exactly one 'cell' element per guest NUMA cell allowed", '/domain/cpu/numa/cell[2]/@id'],
    [`<cell id='0' memory='1'/><cell id='0' memory='1'/>`, "Duplicate NUMA cell info for cell id '0'", '/domain/cpu/numa/cell[2]/@id'],
    [
      `<cell memory='1'><distances><sibling id='3' value='20'/></distances></cell>`,
      "'sibling_id 3' does not refer to a valid cell within NUMA 'cell id 0'",
      '/domain/cpu/numa/cell/distances/sibling/@id',
    ],
    [
      `<cell memory='1'><distances><sibling id='0' value='20'/></distances></cell>`,
      "'value 20' is invalid for 'sibling id 0' within NUMA 'cell id 0'",
      '/domain/cpu/numa/cell/distances/sibling/@value',
    ],
  ])('refuses NUMA %s', (cells, message, path) => {
    const e = rejects(dom(`  <cpu>\n    <numa>${cells}</numa>\n  </cpu>\n`));
    expect(e.message).toContain(message);
    expect(e.path).toBe(path);
  });
});

describe('<clock> and its timers', () => {
  it('is a union on offset, utc when absent', () => {
    const d = parseDomainXml(dom(`  <clock>\n    <timer name='hpet' present='no'/>\n  </clock>\n`));
    expect(d.clock?.offset).toBe('utc');
    expect(formatDomainXml(d)).toContain("<clock offset='utc'>");
  });

  it('turns a utc or localtime clock with seconds into a variable clock', () => {
    expect(roundTrip(dom(`  <clock offset='localtime' adjustment='+30'/>\n`))).toBe(
      dom(`  <clock offset='variable' adjustment='30' basis='localtime'/>\n`),
    );
    expect(roundTrip(dom(`  <clock offset='utc' adjustment='reset'/>\n`))).toBe(dom(`  <clock offset='utc' adjustment='reset'/>\n`));
    expect(roundTrip(dom(`  <clock offset='variable'/>\n`))).toBe(dom(`  <clock offset='variable' adjustment='0' basis='utc'/>\n`));
  });

  it('writes adjustment0 in status XML only', () => {
    const d = parseDomainXml(dom(`  <clock offset='variable' adjustment='10' basis='utc' adjustment0='5'/>\n`));
    expect(formatDomainXml(d)).toContain(`<clock offset='variable' adjustment='10' basis='utc'/>`);
    expect(formatDomainXml(d, { status: true })).toContain(`<clock offset='variable' adjustment='10' basis='utc' adjustment0='5'/>`);
  });

  it('leaves out zero catchup values and an empty <catchup>', () => {
    expect(roundTrip(dom(`  <clock offset='utc'>\n    <timer name='rtc' tickpolicy='catchup'>\n      <catchup slew='0'/>\n    </timer>\n  </clock>\n`))).toBe(
      dom(`  <clock offset='utc'>\n    <timer name='rtc' tickpolicy='catchup'/>\n  </clock>\n`),
    );
  });

  it('refuses an unknown timer and offset', () => {
    expect(rejects(dom(`  <clock offset='utc'>\n    <timer name='nope'/>\n  </clock>\n`)).message).toContain("unknown timer name 'nope'");
    expect(rejects(dom(`  <clock offset='mars'/>\n`)).path).toBe('/domain/clock/@offset');
  });

  it('narrows by offset and timer name', () => {
    const c = parseDomainXml(dom(`  <clock offset='absolute' start='1234'/>\n`)).clock!;
    if (c.offset === 'absolute') expect(c.start).toBe(1234);
    else throw new Error('expected an absolute clock');
    expectTypeOf<Extract<Clock, { offset: 'variable' }>>().toHaveProperty('basis');
    expectTypeOf<Extract<ClockTimer, { name: 'tsc' }>>().toHaveProperty('frequency');
    expectTypeOf<Extract<ClockTimer, { name: 'rtc' }>>().toHaveProperty('track');
    expectTypeOf<Extract<ClockTimer, { name: 'kvmclock' }>>().not.toHaveProperty('tickpolicy');
  });
});

describe('<features>', () => {
  it("reads a bare state feature as on and writes the state, as libvirt does", () => {
    expect(roundTrip(dom(`  <features>\n    <hap/>\n    <pvspinlock/>\n    <pmu/>\n    <vmport/>\n    <smm/>\n    <vmcoreinfo/>\n    <async-teardown/>\n  </features>\n`))).toBe(
      dom(
        `  <features>\n    <hap state='on'/>\n    <pvspinlock state='on'/>\n    <pmu state='on'/>\n    <vmport state='on'/>\n    <smm state='on'/>\n    <vmcoreinfo state='on'/>\n    <async-teardown enabled='yes'/>\n  </features>\n`,
      ),
    );
  });

  it('writes them in libvirt’s enum order whatever the input order', () => {
    expect(roundTrip(dom(`  <features>\n    <gic version='2'/>\n    <pae/>\n    <acpi/>\n  </features>\n`))).toBe(
      dom(`  <features>\n    <acpi/>\n    <pae/>\n    <gic version='2'/>\n  </features>\n`),
    );
  });

  it('leaves out what libvirt does not write (as libvirt 11.3 and 12.9 answer)', () => {
    // capabilities with the default policy and none in it, an empty tcg, and <features> itself when that leaves it empty
    expect(roundTrip(dom(`  <features>\n    <capabilities policy='default'/>\n    <tcg/>\n  </features>\n`))).toBe(dom(''));
    // details of features that are off
    expect(
      roundTrip(
        dom(`  <features>\n    <hyperv>\n      <spinlocks state='off' retries='4096'/>\n      <vendor_id state='off' value='x'/>\n    </hyperv>\n    <kvm>\n      <dirty-ring state='off' size='4096'/>\n    </kvm>\n    <smm state='off'>\n      <tseg unit='MiB'>48</tseg>\n    </smm>\n  </features>\n`),
      ),
    ).toBe(
      dom(`  <features>\n    <hyperv mode='custom'>\n      <spinlocks state='off'/>\n      <vendor_id state='off'/>\n    </hyperv>\n    <kvm>\n      <dirty-ring state='off'/>\n    </kvm>\n    <smm state='off'/>\n  </features>\n`),
    );
    // passthrough mode keeps no enlightenment
    expect(roundTrip(dom(`  <features>\n    <hyperv mode='passthrough'>\n      <relaxed state='on'/>\n    </hyperv>\n  </features>\n`))).toBe(
      dom(`  <features>\n    <hyperv mode='passthrough'/>\n  </features>\n`),
    );
  });

  it('writes an empty <kvm>, <xen> as a pair, and the policy of <capabilities> beside any capability', () => {
    const x = dom(`  <features>\n    <kvm>\n    </kvm>\n    <capabilities policy='default'>\n      <chown state='on'/>\n    </capabilities>\n    <xen>\n    </xen>\n  </features>\n`);
    expect(roundTrip(x)).toBe(x);
    expect(roundTrip(x.replace("<kvm>\n    </kvm>", '<kvm/>').replace("<xen>\n    </xen>", '<xen/>').replace(" policy='default'", ''))).toBe(x);
    const deny = dom(`  <features>\n    <capabilities policy='deny'/>\n  </features>\n`);
    expect(roundTrip(deny)).toBe(deny);
  });

  it('writes an empty <hyperv> as libvirt of the target release does (a pair before 12, self-closed in 12.9)', () => {
    const empty = dom(`  <features>\n    <hyperv mode='passthrough'/>\n  </features>\n`);
    expect(roundTrip(empty)).toBe(empty);
    expect(formatDomainXml(parseDomainXml(empty), { libvirt: '11.3' })).toBe(dom(`  <features>\n    <hyperv mode='passthrough'>\n    </hyperv>\n  </features>\n`));
  });

  it('refuses a state that is not on or off', () => {
    const e = rejects(dom(`  <features>\n    <htm state='yes'/>\n  </features>\n`));
    expect(e.path).toBe('/domain/features/htm/@state');
  });
});

describe('<cputune>, <numatune> and placement', () => {
  it('writes one scheduler element per thread, in thread order', () => {
    expect(
      roundTrip(
        dom(`  <cputune>\n    <vcpusched vcpus='2-3' scheduler='rr' priority='1'/>\n    <vcpusched vcpus='0' scheduler='batch'/>\n    <iothreadsched iothreads='1-3,^2' scheduler='batch'/>\n    <iothreadsched iothreads='2' scheduler='rr' priority='0'/>\n  </cputune>\n`),
      ),
    ).toBe(
      dom(
        `  <cputune>\n    <vcpusched vcpus='0' scheduler='batch'/>\n    <vcpusched vcpus='2' scheduler='rr' priority='1'/>\n    <vcpusched vcpus='3' scheduler='rr' priority='1'/>\n    <iothreadsched iothreads='1' scheduler='batch'/>\n    <iothreadsched iothreads='2' scheduler='rr' priority='0'/>\n    <iothreadsched iothreads='3' scheduler='batch'/>\n  </cputune>\n`,
      ),
    );
  });

  it('refuses overlapping schedulers', () => {
    const e = rejects(dom(`  <cputune>\n    <vcpusched vcpus='0-1' scheduler='batch'/>\n    <vcpusched vcpus='1' scheduler='idle'/>\n  </cputune>\n`));
    expect(e.message).toContain("vcpusched attributes 'vcpus' must not overlap");
    expect(e.path).toBe('/domain/cputune/vcpusched[2]/@vcpus');
  });

  it('needs a priority for real-time schedulers only', () => {
    expect(rejects(dom(`  <cputune>\n    <vcpusched vcpus='0' scheduler='fifo'/>\n  </cputune>\n`)).message).toContain("Missing required attribute 'priority'");
    expectTypeOf<Extract<Vcpusched, { scheduler: 'fifo' }>>().toHaveProperty('priority');
    expectTypeOf<Extract<Vcpusched, { scheduler: 'batch' }>>().not.toHaveProperty('priority');
  });

  it('does not write zero periods and quotas, and writes cache sizes in their largest exact unit', () => {
    expect(
      roundTrip(
        dom(`  <cputune>\n    <period>0</period>\n    <quota>0</quota>\n    <cachetune vcpus='0'>\n      <cache id='0' level='3' type='code' size='2048'/>\n      <cache id='1' level='3' type='data' size='1536' unit='KiB'/>\n    </cachetune>\n  </cputune>\n`),
      ),
    ).toBe(
      dom(`  <cputune>\n    <cachetune vcpus='0'>\n      <cache id='0' level='3' type='code' size='2' unit='MiB'/>\n      <cache id='1' level='3' type='data' size='1536' unit='KiB'/>\n    </cachetune>\n  </cputune>\n`),
    );
  });

  it("applies libvirt's placement defaults between <vcpu> and <numatune>", () => {
    // automatic memory placement makes unpinned vCPUs automatic too
    expect(roundTrip(dom(`  <vcpu placement='static'>2</vcpu>\n  <numatune>\n    <memory mode='interleave' placement='auto' nodeset='0'/>\n  </numatune>\n`))).toBe(
      dom(`  <vcpu placement='auto'>2</vcpu>\n  <numatune>\n    <memory mode='interleave' placement='auto'/>\n  </numatune>\n`),
    );
    // … unless they are pinned
    expect(roundTrip(dom(`  <vcpu cpuset='0-1'>2</vcpu>\n  <numatune>\n    <memory placement='auto'/>\n  </numatune>\n`))).toBe(
      dom(`  <vcpu placement='static' cpuset='0-1'>2</vcpu>\n  <numatune>\n    <memory mode='strict' placement='auto'/>\n  </numatune>\n`),
    );
    // memory without a nodeset follows automatic vCPU placement
    expect(roundTrip(dom(`  <vcpu placement='auto'>1</vcpu>\n  <numatune>\n    <memory mode='preferred'/>\n  </numatune>\n`))).toBe(
      dom(`  <vcpu placement='auto'>1</vcpu>\n  <numatune>\n    <memory mode='preferred' placement='auto'/>\n  </numatune>\n`),
    );
  });

  it('refuses static memory placement without a nodeset', () => {
    const e = rejects(dom(`  <numatune>\n    <memory mode='strict' placement='static'/>\n  </numatune>\n`));
    expect(e.message).toContain("nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
    expect(e.path).toBe('/domain/numatune/memory/@placement');
  });
});

describe('<sysinfo>, <os>, <perf>, <keywrap>', () => {
  it('writes SMBIOS entries, perf events and ciphers in libvirt’s order', () => {
    expect(
      roundTrip(
        dom(`  <sysinfo type='smbios'>\n    <system>\n      <entry name='family'>f</entry>\n      <entry name='manufacturer'>m</entry>\n    </system>\n  </sysinfo>\n  <perf>\n    <event name='page_faults' enabled='yes'/>\n    <event name='cmt' enabled='no'/>\n  </perf>\n  <keywrap>\n    <cipher name='dea' state='on'/>\n    <cipher name='aes' state='off'/>\n  </keywrap>\n`),
      ),
    ).toBe(
      dom(`  <sysinfo type='smbios'>\n    <system>\n      <entry name='manufacturer'>m</entry>\n      <entry name='family'>f</entry>\n    </system>\n  </sysinfo>\n  <perf>\n    <event name='cmt' enabled='no'/>\n    <event name='page_faults' enabled='yes'/>\n  </perf>\n  <keywrap>\n    <cipher name='aes' state='off'/>\n    <cipher name='dea' state='on'/>\n  </keywrap>\n`),
    );
  });

  it('narrows sysinfo by type and refuses an entry name libvirt does not know', () => {
    const s = parseDomainXml(dom(`  <sysinfo type='fwcfg'>\n    <entry name='opt/x' file='/f'/>\n  </sysinfo>\n`)).sysinfos![0]!;
    if (s.type === 'fwcfg') expect(s.entries?.[0]?.file).toBe('/f');
    else throw new Error('expected fwcfg');
    expectTypeOf<Extract<Sysinfo, { type: 'smbios' }>>().toHaveProperty('baseBoards');
    const e = rejects(dom(`  <sysinfo type='smbios'>\n    <bios>\n      <entry name='colour'>x</entry>\n    </bios>\n  </sysinfo>\n`));
    expect(e.path).toBe('/domain/sysinfo/bios/entry/@name');
  });

  it("reads an NVRAM storage source like a disk's, or the old-style path", () => {
    const xml = dom(`  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>
    <nvram type='network'>
      <source protocol='iscsi' name='iqn.2013-07.com.example:iscsi-nopool'>
        <host name='example.com' port='6000'/>
      </source>
    </nvram>
  </os>
`);
    const d = parseDomainXml(xml);
    const nv = d.os!.nvram!;
    if (nv.type !== 'network') throw new Error('expected a network NVRAM');
    expect(nv.path).toBeUndefined();
    expect(nv.source).toMatchObject({ protocol: 'iscsi', name: 'iqn.2013-07.com.example:iscsi-nopool' });
    expect(formatDomainXml(d)).toBe(xml);
    // the old style: a path, no type
    const old = parseDomainXml(dom(`  <os>\n    <type>hvm</type>\n    <nvram template='/t.fd'>/v.fd</nvram>\n  </os>\n`)).os!.nvram!;
    expect(old).toEqual({ template: '/t.fd', path: '/v.fd' });
    expectTypeOf<Extract<Nvram, { type: 'block' }>>().toHaveProperty('source');
  });
});

describe('<seclabel> and <launchSecurity>', () => {
  it("fills libvirt's seclabel defaults per type", () => {
    expect(roundTrip(dom(`  <seclabel model='selinux'/>\n`))).toBe(dom(`  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n`));
    expect(roundTrip(dom(`  <seclabel type='static' model='selinux'>\n    <label>l</label>\n  </seclabel>\n`))).toBe(
      dom(`  <seclabel type='static' model='selinux' relabel='no'>\n    <label>l</label>\n  </seclabel>\n`),
    );
    expect(roundTrip(dom(`  <seclabel type='none' relabel='no'/>\n`))).toBe(dom(`  <seclabel type='none'/>\n`));
    expectTypeOf<Extract<Seclabel, { type: 'dynamic' }>>().toHaveProperty('baselabel');
    expectTypeOf<Extract<Seclabel, { type: 'static' }>>().not.toHaveProperty('baselabel');
    expect(rejects(dom(`  <seclabel type='static' model='selinux'/>\n`)).message).toContain('Missing <label> element in <seclabel>');
  });

  it('reads the SEV policy as hex and writes it with libvirt’s width', () => {
    const sev = parseDomainXml(dom(`  <launchSecurity type='sev'>\n    <policy>33</policy>\n  </launchSecurity>\n`));
    expect(sev.launchSecurity).toEqual({ type: 'sev', policy: 0x33 });
    expect(formatDomainXml(sev)).toContain('<policy>0x0033</policy>');
    const snp = parseDomainXml(dom(`  <launchSecurity type='sev-snp' authorKey='yes'>\n    <policy>0x30000</policy>\n  </launchSecurity>\n`));
    expect(formatDomainXml(snp)).toContain(`<launchSecurity type='sev-snp' authorKey='yes'>\n    <policy>0x00030000</policy>`);
    expect(roundTrip(dom(`  <launchSecurity type='s390-pv'/>\n`))).toBe(dom(`  <launchSecurity type='s390-pv'/>\n`));
    expect(rejects(dom(`  <launchSecurity type='sev'>\n    <policy>xyz</policy>\n  </launchSecurity>\n`)).path).toBe('/domain/launchSecurity/policy');
    expectTypeOf<Extract<LaunchSecurity, { type: 'sev-snp' }>>().toHaveProperty('idBlock');
    expectTypeOf<Extract<LaunchSecurity, { type: 's390-pv' }>>().not.toHaveProperty('policy');
  });
});

describe('hypervisor namespaces', () => {
  it('declares the namespace on <domain> for extensions built in code', () => {
    const d: DomainDef = {
      type: 'kvm',
      name: 't',
      qemuCommandline: { args: [{ value: '-s' }] },
      vmwareDatacenterpath: { path: 'dc1/folder' },
    };
    expect(formatDomainXml(d)).toBe(
      `<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0' xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'>
  <name>t</name>
  <qemu:commandline>
    <qemu:arg value='-s'/>
  </qemu:commandline>
  <vmware:datacenterpath>dc1/folder</vmware:datacenterpath>
</domain>
`,
    );
    expect(declareNamespaces(d)).not.toBe(d);
    const declared = { ...d, xmlnsQemu: 'urn:other', xmlnsVmware: 'urn:other2' };
    expect(declareNamespaces(declared)).toBe(declared);
  });

  it('moves a declaration made on the extension element to <domain>, as libvirt writes it', () => {
    const xml = dom(`  <qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n    <qemu:arg value='ARGUMENT'/>\n  </qemu:commandline>\n`);
    const out = roundTrip(xml);
    expect(out).toBe(
      dom(`  <qemu:commandline>\n    <qemu:arg value='ARGUMENT'/>\n  </qemu:commandline>\n`, " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"),
    );
    expect(roundTrip(out)).toBe(out);
  });

  it('keeps an extension under another prefix as read', () => {
    const xml = dom(`  <ns0:commandline xmlns:ns0='http://libvirt.org/schemas/domain/qemu/1.0'>\n    <ns0:arg value='A'/>\n  </ns0:commandline>\n`);
    expect(roundTrip(xml)).toBe(xml);
  });

  it('reads bhyve arguments and lxc namespaces into fields', () => {
    const d = parseDomainXml(
      dom(`  <bhyve:commandline>\n    <bhyve:arg value='-A'/>\n  </bhyve:commandline>\n`, " xmlns:bhyve='http://libvirt.org/schemas/domain/bhyve/1.0'"),
    );
    expect(d.bhyveCommandline?.args).toEqual([{ value: '-A' }]);
    expect(parseDomainXml(CONTAINER).lxcNamespace?.sharenet).toEqual({ type: 'netns', value: 'red' });
  });
});

describe('<domain> root', () => {
  it('writes vcpu current only when fewer vCPUs are online, and no empty idmap', () => {
    expect(roundTrip(dom(`  <vcpu current='4'>4</vcpu>\n  <idmap/>\n`))).toBe(dom(`  <vcpu placement='static'>4</vcpu>\n`));
  });

  it('writes the id in live XML only and refuses an unknown hypervisor type', () => {
    const d = parseDomainXml(`<domain type='qemu' id='3'>\n  <name>t</name>\n</domain>\n`);
    expect(formatDomainXml(d)).toContain(`<domain type='qemu' id='3'>`);
    expect(formatDomainXml(d, { inactive: true })).toContain(`<domain type='qemu'>`);
    expect(rejects(`<domain type='vmm'>\n  <name>t</name>\n</domain>\n`).path).toBe('/domain/@type');
  });

  it('keeps an empty <genid> (generate one) and normalises a given one', () => {
    expect(parseDomainXml(dom(`  <genid/>\n`)).genid).toBe('');
    expect(parseDomainXml(dom(`  <genid>000102030405460788090A0B0C0D0E0F</genid>\n`)).genid).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f');
  });

  it('keeps unknown elements between known ones in place', () => {
    const xml = dom(`  <memory unit='KiB'>1024</memory>\n  <newThing a='1'/>\n  <vcpu placement='static'>1</vcpu>\n`);
    expect(roundTrip(xml)).toBe(xml);
  });
});
