/**
 * The device families besides disk/controller/lease/filesystem, interface
 * and hostdev: inputs, sound/audio, graphics, video, chardevs (serial,
 * parallel, console, channel), smartcard, redirdev/redirfilter, hub,
 * watchdog, memballoon, rng, tpm, panic, shmem, memory, iommu, vsock,
 * crypto, pstore, nvram. Fixtures are our own.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { formatDomainXml, parseDomainXml, VirtXmlError } from '../src/model.js';
import { devices } from '../src/domain/devices/devices.js';
import { toJsonSchema } from '../src/xml/jsonschema.js';
import type { UnknownWord } from '../src/xml/values.js';
import type { AudioDef } from '../src/domain/devices/audio.js';
import type { ChannelDef, ConsoleDef, SerialDef } from '../src/domain/devices/chardev.js';
import type { GraphicsDef } from '../src/domain/devices/graphics.js';
import type { InputDef } from '../src/domain/devices/input.js';
import type { MemoryDeviceDef } from '../src/domain/devices/memory.js';
import type { RngDef } from '../src/domain/devices/rng.js';
import type { SmartcardDef } from '../src/domain/devices/smartcard.js';
import type { TpmDef } from '../src/domain/devices/tpm.js';
import type { VideoDef } from '../src/domain/devices/video.js';

/** A minimal domain around some devices (each line indented by four). */
const dom = (devices: string) => `<domain type='kvm'>
  <name>t</name>
  <devices>
${devices}
  </devices>
</domain>
`;

const devicesOf = (xml: string) => parseDomainXml(xml).devices!;
const roundTrip = (xml: string, options: Parameters<typeof formatDomainXml>[1] = {}) =>
  formatDomainXml(parseDomainXml(xml), options);

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

/** Every family, in libvirt's canonical form and order. */
const ALL = dom(`    <smartcard mode='host-certificates'>
      <certificate>cert1</certificate>
      <certificate>cert2</certificate>
      <certificate>cert3</certificate>
      <database>/etc/pki/nssdb</database>
      <address type='ccid' controller='0' slot='0'/>
    </smartcard>
    <serial type='tcp'>
      <source mode='bind' host='127.0.0.1' service='4444' tls='yes'>
        <reconnect enabled='yes' timeout='10'/>
      </source>
      <protocol type='telnet'/>
      <log file='/var/log/serial.log' append='on'/>
      <target type='isa-serial' port='0'>
        <model name='isa-serial'/>
      </target>
      <alias name='serial0'/>
    </serial>
    <serial type='udp'>
      <source mode='bind' host='0.0.0.0' service='9998'/>
      <source mode='connect' host='192.168.1.1' service='9999'/>
      <target port='1'/>
    </serial>
    <parallel type='file'>
      <source path='/tmp/parallel.log' append='off'>
        <seclabel model='dac' relabel='no'/>
      </source>
      <target port='0'/>
    </parallel>
    <console type='pty' tty='/dev/pts/3'>
      <source path='/dev/pts/3'/>
      <target type='serial' port='0'/>
    </console>
    <channel type='unix'>
      <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/ga.0'/>
      <target type='virtio' name='org.qemu.guest_agent.0' state='connected'/>
      <address type='virtio-serial' controller='0' bus='0' port='1'/>
    </channel>
    <channel type='pipe'>
      <source path='/tmp/guestfwd'/>
      <target type='guestfwd' address='10.0.2.1' port='4600'/>
    </channel>
    <channel type='qemu-vdagent'>
      <source>
        <clipboard copypaste='yes'/>
        <mouse mode='client'/>
      </source>
      <target type='virtio' name='com.redhat.spice.0'/>
    </channel>
    <input type='evdev'>
      <source dev='/dev/input/event1' grab='all' grabToggle='ctrl-ctrl' repeat='on'/>
    </input>
    <input type='passthrough' bus='virtio'>
      <driver iommu='on' ats='on'/>
      <source evdev='/dev/input/event2'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x0a' function='0x0'/>
    </input>
    <input type='tablet' bus='usb'>
      <address type='usb' bus='0' port='1'/>
    </input>
    <tpm model='tpm-crb'>
      <backend type='emulator' version='2.0' persistent_state='yes' debug='3'>
        <encryption secret='6dd3e4a5-1d76-44ce-961f-f119f5aad935'/>
        <active_pcr_banks>
          <sha256/>
          <sha512/>
        </active_pcr_banks>
      </backend>
      <alias name='tpm0'/>
    </tpm>
    <graphics type='vnc' port='5900' autoport='no' websocket='5700' listen='127.0.0.1' keymap='de' sharePolicy='force-shared' powerControl='yes' passwd='secret' passwdValidTo='2030-01-01T00:00:00' connected='keep'>
      <listen type='address' address='127.0.0.1'/>
      <audio id='1'/>
    </graphics>
    <graphics type='spice' port='5901' tlsPort='5902' autoport='no' listen='0.0.0.0' defaultMode='secure'>
      <listen type='address' address='0.0.0.0'/>
      <channel name='main' mode='secure'/>
      <channel name='inputs' mode='insecure'/>
      <image compression='auto_glz'/>
      <jpeg compression='auto'/>
      <zlib compression='never'/>
      <playback compression='on'/>
      <streaming mode='filter'/>
      <mouse mode='client'/>
      <clipboard copypaste='no'/>
      <filetransfer enable='no'/>
      <gl enable='yes' rendernode='/dev/dri/renderD128'/>
    </graphics>
    <graphics type='sdl' display=':0' xauth='/root/.Xauthority' fullscreen='yes'>
      <gl enable='no'/>
    </graphics>
    <graphics type='egl-headless'>
      <gl rendernode='/dev/dri/renderD129'/>
    </graphics>
    <graphics type='dbus' p2p='yes'>
      <gl enable='yes'/>
      <audio id='2'/>
    </graphics>
    <sound model='ich9'>
      <codec type='duplex'/>
      <audio id='1'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x1b' function='0x0'/>
    </sound>
    <sound model='virtio' streams='2'>
      <driver packed='on'/>
    </sound>
    <audio id='1' type='pulseaudio' timerPeriod='50' serverName='unix:/run/pulse'>
      <input mixingEngine='yes' fixedSettings='yes' voices='1' bufferLength='100' name='in' streamName='s' latency='10'>
        <settings frequency='44100' channels='2' format='s16'/>
      </input>
      <output mixingEngine='no'/>
    </audio>
    <audio id='2' type='jack'>
      <input serverName='srv' clientName='vm' connectPorts='system:.*' exactName='yes'/>
    </audio>
    <audio id='3' type='oss' tryMMap='yes' exclusive='no' dspPolicy='-1'>
      <output dev='/dev/dsp0' bufferCount='4' tryPoll='no'/>
    </audio>
    <video>
      <driver iommu='on' vgaconf='io' name='qemu'/>
      <model type='qxl' ram='65536' vram='65536' vram64='131072' vgamem='16384' heads='1' primary='yes'>
        <acceleration accel3d='no' accel2d='yes'/>
        <resolution x='1920' y='1080'/>
      </model>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
    </video>
    <video>
      <model type='virtio' heads='1' blob='on'>
        <acceleration accel3d='yes' rendernode='/dev/dri/renderD128'/>
      </model>
    </video>
    <redirdev bus='usb' type='spicevmc'>
      <boot order='2'/>
      <address type='usb' bus='0' port='3'/>
    </redirdev>
    <redirdev bus='usb' type='tcp'>
      <source mode='connect' host='localhost' service='4000'/>
      <protocol type='raw'/>
    </redirdev>
    <redirfilter>
      <usbdev class='0x08' vendor='0x15E1' product='0x2007' version='1.10' allow='yes'/>
      <usbdev allow='no'/>
    </redirfilter>
    <hub type='usb'>
      <address type='usb' bus='0' port='2'/>
    </hub>
    <watchdog model='i6300esb' action='inject-nmi'>
      <alias name='watchdog0'/>
    </watchdog>
    <memballoon model='virtio' autodeflate='on' freePageReporting='off'>
      <stats period='10'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
      <driver iommu='on'/>
    </memballoon>
    <rng model='virtio'>
      <rate bytes='1234' period='2000'/>
      <backend model='random'>/dev/urandom</backend>
    </rng>
    <rng model='virtio-non-transitional'>
      <backend model='egd' type='udp'>
        <source mode='bind' service='1234'/>
        <source mode='connect' host='1.2.3.4' service='1234'/>
      </backend>
      <driver packed='on'/>
    </rng>
    <nvram>
      <address type='spapr-vio' reg='0x00003000'/>
    </nvram>
    <panic model='pvpanic'/>
    <shmem name='shm0' role='peer'>
      <model type='ivshmem-doorbell'/>
      <size unit='M'>64</size>
      <server path='/tmp/shm0-sock'/>
      <msi vectors='8' ioeventfd='on'/>
    </shmem>
    <memory model='dimm' access='shared' discard='yes'>
      <source>
        <nodemask>0-1</nodemask>
        <pagesize unit='KiB'>2048</pagesize>
      </source>
      <target>
        <size unit='KiB'>524288</size>
        <node>0</node>
      </target>
      <address type='dimm' slot='0'/>
    </memory>
    <memory model='nvdimm'>
      <uuid>49545eb3-75e1-2d0a-acdd-f0294406c99e</uuid>
      <source>
        <path>/tmp/nvdimm</path>
        <alignsize unit='KiB'>2048</alignsize>
        <pmem/>
      </source>
      <target>
        <size unit='KiB'>524288</size>
        <node>0</node>
        <label>
          <size unit='KiB'>128</size>
        </label>
        <readonly/>
      </target>
    </memory>
    <memory model='virtio-mem'>
      <target dynamicMemslots='yes'>
        <size unit='KiB'>1048576</size>
        <node>0</node>
        <block unit='KiB'>2048</block>
        <requested unit='KiB'>524288</requested>
        <current unit='KiB'>262144</current>
        <address base='0x150000000'/>
      </target>
    </memory>
    <iommu model='intel'>
      <driver intremap='on' caching_mode='on' eim='on' iotlb='on' aw_bits='48' dma_translation='off'/>
    </iommu>
    <vsock model='virtio'>
      <cid auto='no' address='4'/>
    </vsock>
    <crypto model='virtio' type='qemu'>
      <backend model='builtin' queues='2'/>
      <driver iommu='on'/>
    </crypto>
    <pstore backend='acpi-erst'>
      <path>/tmp/guest_acpi_esrt</path>
      <size unit='KiB'>8</size>
    </pstore>`);

describe('domain devices: every family', () => {
  it('round-trips a domain with every family byte for byte', () => {
    expect(roundTrip(ALL)).toBe(ALL);
  });

  it('reads every family into typed lists', () => {
    const d = devicesOf(ALL);
    expect(d.smartcards).toHaveLength(1);
    expect(d.serials).toHaveLength(2);
    expect(d.parallels).toHaveLength(1);
    expect(d.consoles).toHaveLength(1);
    expect(d.channels).toHaveLength(3);
    expect(d.inputs).toHaveLength(3);
    expect(d.tpms).toHaveLength(1);
    expect(d.graphics).toHaveLength(5);
    expect(d.sounds).toHaveLength(2);
    expect(d.audios).toHaveLength(3);
    expect(d.videos).toHaveLength(2);
    expect(d.redirdevs).toHaveLength(2);
    expect(d.redirfilter?.usbdevs).toHaveLength(2);
    expect(d.hubs).toHaveLength(1);
    expect(d.watchdogs).toEqual([{ model: 'i6300esb', action: 'inject-nmi', alias: { name: 'watchdog0' } }]);
    expect(d.memballoon).toMatchObject({ model: 'virtio', autodeflate: true, freePageReporting: false, stats: { period: 10 }, driver: { iommu: true } });
    expect(d.rngs).toHaveLength(2);
    expect(d.nvram?.address).toEqual({ type: 'spapr-vio', reg: 0x3000 });
    expect(d.panics).toEqual([{ model: 'pvpanic' }]);
    expect(d.shmems?.[0]).toMatchObject({ name: 'shm0', role: 'peer', size: { unit: 'M', value: 64 }, msi: { vectors: 8, ioeventfd: true } });
    expect(d.memories).toHaveLength(3);
    expect(d.iommu?.driver).toEqual({ intremap: true, caching_mode: true, eim: true, iotlb: true, aw_bits: 48, dma_translation: false });
    expect(d.vsock?.cid).toEqual({ auto: false, address: 4 });
    expect(d.cryptos?.[0]?.backend).toEqual({ model: 'builtin', queues: 2 });
    expect(d.pstore).toMatchObject({ backend: 'acpi-erst', path: '/tmp/guest_acpi_esrt', size: { unit: 'KiB', value: 8 } });
    // nothing was left unknown
    expect(JSON.stringify(d)).not.toContain('$extra');
  });

  it('every family read satisfies the JSON Schema of its declaration', () => {
    const d = devicesOf(ALL) as Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const mine = Object.keys(d).filter((k) => k !== 'emulator');
    expect(mine).toHaveLength(25);
    for (const key of mine) {
      const field = devices.fields[key as keyof typeof devices.fields];
      if (field.kind !== 'list' && field.kind !== 'child') throw new Error(key);
      const validate = ajv.compile(toJsonSchema(field.decl, `urn:virtxml:${key}`, key));
      for (const item of ([] as unknown[]).concat(d[key])) {
        expect(validate(JSON.parse(JSON.stringify(item))) ? [] : validate.errors, key).toEqual([]);
      }
    }
  });

  it('writes the families in libvirt order whatever the input order', () => {
    const xml = dom(`    <memballoon model='none'/>
    <watchdog model='itco' action='reset'/>
    <redirdev bus='usb' type='spicevmc'/>
    <graphics type='vnc'/>
    <tpm model='tpm-tis'>
      <backend type='passthrough'/>
    </tpm>
    <input type='mouse' bus='ps2'/>
    <serial type='pty'/>
    <smartcard mode='host'/>`);
    const names = [...roundTrip(xml).matchAll(/^ {4}<(\w+)/gm)].map((m) => m[1]);
    expect(names).toEqual(['smartcard', 'serial', 'input', 'tpm', 'graphics', 'redirdev', 'watchdog', 'memballoon']);
  });
});

describe('domain devices: unions narrow by their discriminator', () => {
  it('narrows chardevs by source type and channels by target type', () => {
    const d = devicesOf(ALL);
    const serial = d.serials![0]!;
    if (serial.type !== 'tcp') throw new Error('expected tcp');
    expectTypeOf(serial.source!.host).toEqualTypeOf<string | undefined>();
    // an enum's type admits a newer libvirt's word (forward compatible), and still lists the known ones
    expectTypeOf(serial.source!.mode).toEqualTypeOf<'bind' | 'connect' | UnknownWord>();
    expect(serial.source).toEqual({ mode: 'bind', host: '127.0.0.1', service: '4444', tls: true, reconnect: { enabled: true, timeout: 10 } });
    expect(serial.protocol).toEqual({ type: 'telnet' });
    expect(serial.target).toEqual({ type: 'isa-serial', port: 0, model: { name: 'isa-serial' } });

    const udp = d.serials![1]! as SerialDef;
    if (udp.type !== 'udp') throw new Error('expected udp');
    expect(udp.sources?.map((s) => s.mode)).toEqual(['bind', 'connect']);

    const ga = d.channels![0]! as ChannelDef;
    if (ga.type !== 'unix' || ga.target?.type !== 'virtio') throw new Error('expected a unix virtio channel');
    expect(ga.target.name).toBe('org.qemu.guest_agent.0');
    const fwd = d.channels![1]! as ChannelDef;
    if (fwd.target?.type !== 'guestfwd') throw new Error('expected guestfwd');
    expectTypeOf(fwd.target.address).toEqualTypeOf<string>();
    expect(fwd.target).toEqual({ type: 'guestfwd', address: '10.0.2.1', port: 4600 });
    const vd = d.channels![2]! as ChannelDef;
    if (vd.type !== 'qemu-vdagent') throw new Error('expected qemu-vdagent');
    expect(vd.source).toEqual({ clipboard: { copypaste: true }, mouse: { mode: 'client' } });

    // @ts-expect-error a spicevmc chardev has no <source>
    const none: unknown = ({ type: 'spicevmc' } as SerialDef & { type: 'spicevmc' }).source;
    expect(none).toBeUndefined();
  });

  it('narrows graphics, inputs, tpm backends, rng backends, memory, audio, video, smartcards', () => {
    const d = devicesOf(ALL);
    const [vnc, spice] = d.graphics! as GraphicsDef[];
    if (vnc?.type !== 'vnc' || spice?.type !== 'spice') throw new Error('expected vnc then spice');
    expect(vnc.listens).toEqual([{ type: 'address', address: '127.0.0.1' }]);
    expect(vnc.audio).toEqual({ id: 1 });
    expect(spice.channels?.map((c) => c.name)).toEqual(['main', 'inputs']);
    expect(spice.gl).toEqual({ enable: true, rendernode: '/dev/dri/renderD128' });

    const evdev = d.inputs![0]! as InputDef;
    if (evdev.type !== 'evdev') throw new Error('expected evdev');
    expect(evdev.source).toEqual({ dev: '/dev/input/event1', grab: 'all', grabToggle: 'ctrl-ctrl', repeat: true });

    const backend = (d.tpms![0]! as TpmDef).backend;
    if (backend.type !== 'emulator') throw new Error('expected emulator');
    expect(backend.active_pcr_banks).toEqual({ sha256: true, sha512: true });
    expect(backend.encryption?.secret).toBe('6dd3e4a5-1d76-44ce-961f-f119f5aad935');

    const [random, egd] = d.rngs! as RngDef[];
    if (random?.backend.model !== 'random' || egd?.backend.model !== 'egd') throw new Error('expected random then egd');
    expect(random.backend.path).toBe('/dev/urandom');
    expect(egd.backend.type).toBe('udp');
    expect(egd.backend.sources).toEqual([
      { mode: 'bind', service: '1234' },
      { mode: 'connect', host: '1.2.3.4', service: '1234' },
    ]);

    const [dimm, nvdimm, vmem] = d.memories! as MemoryDeviceDef[];
    if (dimm?.model !== 'dimm' || nvdimm?.model !== 'nvdimm' || vmem?.model !== 'virtio-mem') throw new Error('expected dimm, nvdimm, virtio-mem');
    expect(dimm.source).toEqual({ nodemask: '0-1', pagesize: { unit: 'KiB', value: 2048 } });
    expect(nvdimm.target.label?.size).toEqual({ unit: 'KiB', value: 128 });
    expect(nvdimm.target.readonly).toBe(true);
    expect(vmem.target.address?.base).toBe(0x150000000);
    expect(vmem.target.dynamicMemslots).toBe(true);

    const pulse = d.audios![0]! as AudioDef;
    if (pulse.type !== 'pulseaudio') throw new Error('expected pulseaudio');
    expect(pulse.serverName).toBe('unix:/run/pulse');
    expect(pulse.input?.settings).toEqual({ frequency: 44100, channels: 2, format: 's16' });
    const oss = d.audios![2]! as AudioDef;
    if (oss.type !== 'oss') throw new Error('expected oss');
    expect(oss.dspPolicy).toBe(-1);
    expect(oss.output?.tryPoll).toBe(false);

    const model = (d.videos![0]! as VideoDef).model;
    if (model?.type !== 'qxl') throw new Error('expected qxl');
    expect([model.ram, model.vram, model.vram64, model.vgamem]).toEqual([65536, 65536, 131072, 16384]);
    const virtio = (d.videos![1]! as VideoDef).model;
    // @ts-expect-error only qxl has ram
    expect(virtio?.ram).toBeUndefined();

    const card = d.smartcards![0]! as SmartcardDef;
    if (card.mode !== 'host-certificates') throw new Error('expected host-certificates');
    expect(card.certificates?.map((c) => c.name)).toEqual(['cert1', 'cert2', 'cert3']);
    expect(card.database).toBe('/etc/pki/nssdb');
  });

  it('builds devices in code and writes them in libvirt form', () => {
    const def = parseDomainXml(dom(''));
    const serial: SerialDef = { type: 'unix', source: { mode: 'bind', path: '/tmp/s.sock' }, target: { port: 0 } };
    const consoleDef: ConsoleDef = { type: 'pty', target: { type: 'virtio', port: 0 } };
    const input: InputDef = { type: 'keyboard', bus: 'virtio' };
    def.devices = { serials: [serial], consoles: [consoleDef], inputs: [input], memballoon: { model: 'none' } };
    expect(formatDomainXml(def)).toBe(
      dom(`    <serial type='unix'>
      <source mode='bind' path='/tmp/s.sock'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='virtio' port='0'/>
    </console>
    <input type='keyboard' bus='virtio'/>
    <memballoon model='none'/>`),
    );
  });
});

describe('domain devices: libvirt reads and writes', () => {
  it('reads a chardev without type as a pty, and a tcp chardev without protocol as raw', () => {
    const out = roundTrip(
      dom(`    <serial>
      <target port='0'/>
    </serial>
    <channel type='tcp'>
      <source mode='connect' host='h' service='1'/>
      <target type='virtio' name='n'/>
    </channel>`),
    );
    expect(out).toContain(`    <serial type='pty'>\n      <target port='0'/>`);
    expect(out).toContain(`      <source mode='connect' host='h' service='1'/>\n      <protocol type='raw'/>\n      <target type='virtio' name='n'/>`);
  });

  it('leaves out a unix source without path (libvirt generates it), and live-only data in inactive XML', () => {
    const xml = dom(`    <console type='pty' tty='/dev/pts/7'>
      <source path='/dev/pts/7'/>
      <target type='serial' port='0'/>
    </console>
    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/>
    </channel>`);
    const live = roundTrip(xml);
    expect(live).toContain(`<console type='pty' tty='/dev/pts/7'>\n      <source path='/dev/pts/7'/>`);
    expect(live).toContain(`    <channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0' state='disconnected'/>`);
    const inactive = roundTrip(xml, { inactive: true });
    expect(inactive).toContain(`    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>`);
    expect(inactive).toContain(`<target type='virtio' name='org.qemu.guest_agent.0'/>`);
  });

  it('derives the console tty from the pty path, as libvirt does', () => {
    const def = parseDomainXml(dom(`    <console type='pty'>
      <target type='serial' port='0'/>
    </console>`));
    const c = def.devices!.consoles![0]!;
    if (c.type !== 'pty') throw new Error('expected pty');
    c.source = { path: '/dev/pts/9' };
    expect(formatDomainXml(def)).toContain(`<console type='pty' tty='/dev/pts/9'>`);
    c.target!.port = 1;
    expect(formatDomainXml(def)).toContain(`<console type='pty'>`);
  });

  it('rejects a second <source> except for udp', () => {
    const e = rejects(
      dom(`    <serial type='file'>
      <source path='/a'/>
      <source path='/b'/>
    </serial>`),
    );
    expect(e.detail).toBe('only one source element is allowed for character device');
    expect(e.path).toBe('/domain/devices/serial');
    // a type without a source of its own keeps one as unknown content, like any unknown element
    const vmc = dom(`    <serial type='spicevmc'>
      <source path='/ignored'/>
      <target port='0'/>
    </serial>`);
    expect(roundTrip(vmc)).toBe(vmc);
    const e2 = rejects(dom(`    <serial type='bogus'/>`));
    expect(e2.code).toBe('unknown-variant');
    expect(e2.detail).toBe('unknown type presented to host for character device: bogus');
  });

  it('turns the graphics listen attribute into a listen element and writes it back from there', () => {
    const out = roundTrip(dom(`    <graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'/>`));
    expect(out).toContain(`    <graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'>\n      <listen type='address' address='0.0.0.0'/>\n    </graphics>`);
    const sock = roundTrip(dom(`    <graphics type='vnc' socket='/tmp/vnc.sock'/>`));
    expect(sock).toContain(`    <graphics type='vnc' socket='/tmp/vnc.sock'>\n      <listen type='socket' socket='/tmp/vnc.sock'/>`);
    const net = dom(`    <graphics type='spice' autoport='yes' listen='192.168.122.1'>
      <listen type='network' address='192.168.122.1' network='default'/>
    </graphics>`);
    expect(roundTrip(net)).toBe(net);
    expect(roundTrip(net, { inactive: true })).toContain(`    <graphics type='spice' autoport='yes'>\n      <listen type='network' network='default'/>`);
    const e = rejects(dom(`    <graphics type='vnc' listen='1.2.3.4'>
      <listen type='address' address='5.6.7.8'/>
    </graphics>`));
    expect(e.detail).toBe("graphics 'listen' attribute '1.2.3.4' must match 'address' attribute of first listen element (found '5.6.7.8')");
    expect(e.path).toBe('/domain/devices/graphics/@listen');
  });

  it('reads vnc ports as libvirt does: no port or port=-1 is autoport, always written with an address listen', () => {
    const out = roundTrip(dom(`    <graphics type='vnc'>
      <listen type='address' address='::1'/>
    </graphics>
    <graphics type='vnc' port='5905' autoport='yes'>
      <listen type='address'/>
    </graphics>
    <graphics type='vnc' port='5906'>
      <listen type='none'/>
    </graphics>
    <graphics type='spice' autoport='no' port='5907'/>`));
    expect(out).toContain(`    <graphics type='vnc' port='-1' autoport='yes' listen='::1'>`);
    expect(out).toContain(`    <graphics type='vnc' port='5905' autoport='yes'>`);
    expect(out).toContain(`    <graphics type='vnc'>\n      <listen type='none'/>`);
    expect(out).toContain(`    <graphics type='spice' port='5907' autoport='no'/>`);
    // an automatic port is not kept in inactive XML
    expect(roundTrip(dom(`    <graphics type='vnc' port='5905' autoport='yes'>\n      <listen type='address'/>\n    </graphics>`), { inactive: true })).toContain(
      `<graphics type='vnc' port='-1' autoport='yes'>`,
    );
  });

  it("keeps one mode per spice channel, in libvirt's order, without mode='any'", () => {
    const out = roundTrip(dom(`    <graphics type='spice'>
      <channel name='usbredir' mode='secure'/>
      <channel name='main' mode='insecure'/>
      <channel name='display' mode='any'/>
      <channel name='main' mode='secure'/>
    </graphics>`));
    expect(out).toContain(`    <graphics type='spice'>\n      <channel name='main' mode='secure'/>\n      <channel name='usbredir' mode='secure'/>\n    </graphics>`);
  });

  it('reads usbdev rules as libvirt does', () => {
    const d = devicesOf(dom(`    <redirfilter>
      <usbdev class='8' vendor='0x15e1' product='-1' version='9.4' allow='yes'/>
      <usbdev class='-1' vendor='-1' product='-1' version='-1' allow='no'/>
    </redirfilter>`));
    expect(d.redirfilter?.usbdevs?.[0]).toEqual({ class: 8, vendor: 0x15e1, product: -1, version: '9.40', allow: true });
    expect(roundTrip(dom(`    <redirfilter>
      <usbdev class='8' vendor='0x15e1' product='-1' version='9.4' allow='yes'/>
      <usbdev class='-1' vendor='-1' product='-1' version='-1' allow='no'/>
    </redirfilter>`))).toContain(`      <usbdev class='0x08' vendor='0x15E1' version='9.40' allow='yes'/>\n      <usbdev allow='no'/>`);
    const e = rejects(dom(`    <redirfilter>\n      <usbdev class='0x100' allow='yes'/>\n    </redirfilter>`));
    expect(e.path).toBe('/domain/devices/redirfilter/usbdev/@class');
  });

  it('writes memory sizes in KiB and shmem sizes in MiB whatever unit was read', () => {
    const out = roundTrip(dom(`    <shmem name='a'>
      <size unit='GiB'>1</size>
    </shmem>
    <shmem name='b'>
      <size>4194304</size>
    </shmem>
    <memory model='dimm'>
      <target>
        <size unit='GiB'>1</size>
        <node>0</node>
      </target>
    </memory>
    <pstore backend='acpi-erst'>
      <size unit='MB'>1</size>
    </pstore>`));
    expect(out).toContain(`    <shmem name='a'>\n      <model type='ivshmem'/>\n      <size unit='M'>1024</size>`);
    expect(out).toContain(`    <shmem name='b'>\n      <model type='ivshmem'/>\n      <size unit='M'>4</size>`);
    expect(out).toContain(`<size unit='KiB'>1048576</size>`);
    // 10^6 bytes are 976.5625 KiB: libvirt rounds up
    expect(out).toContain(`<size unit='KiB'>977</size>`);
  });

  it('writes the live-only virtio-mem current size only in live XML', () => {
    const xml = dom(`    <memory model='virtio-mem'>
      <target>
        <size unit='KiB'>1048576</size>
        <current unit='KiB'>0</current>
      </target>
    </memory>`);
    expect(roundTrip(xml)).toBe(xml);
    expect(roundTrip(xml, { inactive: true })).not.toContain('<current');
  });

  it("fills libvirt's defaults: watchdog action, redirdev bus, protocol type, video model type", () => {
    const out = roundTrip(dom(`    <redirdev type='tcp'>
      <source mode='connect' host='h' service='1'/>
      <protocol/>
    </redirdev>
    <watchdog model='ib700'/>
    <video>
      <model vram='16384'/>
    </video>`));
    expect(out).toContain(`<redirdev bus='usb' type='tcp'>`);
    expect(out).toContain(`      <protocol type='raw'/>`);
    expect(out).toContain(`<watchdog model='ib700' action='reset'/>`);
    expect(out).toContain(`<model type='default' vram='16384'/>`);
  });

  it('does not write what libvirt leaves out (zero sizes, primary=no, persistent_state=no, empty drivers)', () => {
    const out = roundTrip(dom(`    <video>
      <driver/>
      <model type='vga' vram='0' heads='1' primary='no'/>
    </video>
    <tpm model='tpm-tis'>
      <backend type='emulator' version='2.0' persistent_state='no' debug='0'>
        <active_pcr_banks/>
      </backend>
    </tpm>
    <memballoon model='virtio'>
      <driver/>
    </memballoon>`));
    expect(out).toContain(`    <video>\n      <model type='vga' heads='1'/>\n    </video>`);
    expect(out).toContain(`      <backend type='emulator' version='2.0'/>`);
    expect(out).toContain(`    <memballoon model='virtio'/>`);
  });

  it('needs three certificates for host-certificates, and a backend for tpm and rng', () => {
    const e = rejects(dom(`    <smartcard mode='host-certificates'>\n      <certificate>a</certificate>\n    </smartcard>`));
    expect(e.detail).toBe('host-certificates mode needs exactly three certificates');
    expect(rejects(dom(`    <tpm model='tpm-tis'/>`)).code).toBe('missing-element');
    expect(rejects(dom(`    <rng model='virtio'/>`)).detail).toBe('Missing <backend> element in <rng>');
    expect(rejects(dom(`    <audio id='1' type='bogus'/>`)).detail).toBe("unknown audio type 'bogus'");
  });

  it('keeps what it does not know, in place (a later libvirt TPM <profile>)', () => {
    const xml = dom(`    <tpm model='tpm-crb'>
      <backend type='emulator' version='2.0'>
        <encryption secret='6dd3e4a5-1d76-44ce-961f-f119f5aad935'/>
        <profile source='local:restricted' removeDisabled='check'/>
      </backend>
    </tpm>`);
    expect(roundTrip(xml)).toBe(xml);
  });
});
