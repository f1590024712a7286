/**
 * libvirt's define-time rules the `libvirt` profile checks, found by the
 * differential test against libvirt 12.9 (conformance/differential.test.ts:
 * documents libvirt refuses, grouped by its message). Each rule: a document
 * libvirt refuses, with the diagnostic code and libvirt's message, and a
 * twin it accepts. With the libvirt 12.9 chroot present (as root), libvirt
 * itself is asked too: it must refuse each invalid case with that message
 * and accept each valid twin.
 */
import { describe, expect, it } from 'vitest';
import { formatDomainXml, parseDomainXml, validateXml } from '../src/index.js';
import { domainSemanticDiagnostics } from '../src/validate/semantic-domain.js';
import { base64Length } from '../src/validate/semantic/domain.js';
import { askLibvirt, hashOf, liveOracleUnavailable } from '../conformance/differential/oracle.js';

const HEAD = "<domain type='qemu'><name>vx</name><memory unit='KiB'>1048576</memory>";
const OS = "<os><type arch='x86_64' machine='pc'>hvm</type></os>";
/** A minimal domain with these devices. */
const dev = (devices: string) => `${HEAD}${OS}<devices>${devices}</devices></domain>`;
/** A minimal domain with this content after <os> (or replacing it when it starts with <os>). */
const dom = (content: string) => (content.startsWith('<os>') ? `${HEAD}${content}</domain>` : `${HEAD}${OS}${content}</domain>`);
const NUMA = "<vcpu>2</vcpu><cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'/></numa></cpu>";
const numaDev = (devices: string) => `${HEAD}<maxMemory slots='4' unit='KiB'>8388608</maxMemory>${NUMA}${OS}<devices>${devices}</devices></domain>`;
const USB = "<controller type='usb' model='qemu-xhci'/>";

interface Case {
  rule: string;
  xml: string;
  code: string;
  /** libvirt 12.9's message. */
  message: string;
  valid: string;
}

const CASES: Case[] = [
  // chardev sources (virDomainChrSourceDefValidate)
  { rule: 'tcp chardev without host', xml: dev("<serial type='tcp'><source mode='bind' service='1'/></serial>"), code: 'libvirt-chardev-source', message: 'internal error: Missing source host attribute for char device', valid: dev("<serial type='tcp'><source mode='bind' host='h' service='1'/></serial>") },
  { rule: 'tcp chardev without service', xml: dev("<serial type='tcp'><source host='h'/></serial>"), code: 'libvirt-chardev-source', message: 'internal error: Missing source service attribute for char device', valid: dev("<serial type='tcp'><source host='h' service='1'/></serial>") },
  { rule: 'listening tcp chardev with reconnect', xml: dev("<serial type='tcp'><source mode='bind' host='h' service='1'><reconnect enabled='yes' timeout='2'/></source></serial>"), code: 'libvirt-chardev-source', message: 'internal error: chardev reconnect is possible only for connect mode', valid: dev("<serial type='tcp'><source mode='connect' host='h' service='1'><reconnect enabled='yes' timeout='2'/></source></serial>") },
  { rule: 'udp chardev without a connect service', xml: dev("<serial type='udp'><source mode='bind' service='3'/><source host='h'/></serial>"), code: 'libvirt-chardev-source', message: 'internal error: Missing source service attribute for char device', valid: dev("<serial type='udp'><source mode='bind' host='h'/><source mode='connect' service='2'/></serial>") },
  { rule: 'spiceport chardev without channel', xml: dev("<channel type='spiceport'><target type='virtio'/></channel>"), code: 'libvirt-chardev-source', message: 'unsupported configuration: Missing source channel attribute for char device', valid: dev("<channel type='spiceport'><source channel='org.qemu.x'/><target type='virtio'/></channel>") },
  { rule: 'dbus chardev without channel', xml: dev("<serial type='dbus'/>"), code: 'libvirt-chardev-source', message: 'unsupported configuration: Missing source channel attribute for char device', valid: dev("<serial type='dbus'><source channel='x'/></serial>") },
  { rule: 'nmdm chardev with one path', xml: dev("<serial type='nmdm'><source master='/dev/nmdm0A'/></serial>"), code: 'libvirt-chardev-source', message: 'internal error: Should define both master and slave path attributes for nmdm device', valid: dev("<serial type='nmdm'/>") },
  { rule: 'dbus serial without channel (a dbus redirdev gets one)', xml: dev(`${USB}<serial type='dbus'/><redirdev bus='usb' type='dbus'/>`), code: 'libvirt-chardev-source', message: 'unsupported configuration: Missing source channel attribute for char device', valid: dev(`${USB}<redirdev bus='usb' type='dbus'/>`) },
  { rule: 'passthrough smartcard without a path', xml: dev("<smartcard mode='passthrough' type='file'/>"), code: 'libvirt-chardev-source', message: 'internal error: Missing source path attribute for char device', valid: dev("<smartcard mode='passthrough' type='file'><source path='/tmp/sc'/></smartcard>") },
  { rule: 'redirdev chardev without host', xml: dev(`${USB}<redirdev bus='usb' type='tcp'/>`), code: 'libvirt-chardev-source', message: 'internal error: Missing source host attribute for char device', valid: dev(`${USB}<redirdev bus='usb' type='tcp'><source host='h' service='4000'/></redirdev>`) },
  { rule: 'the console standing for the first serial has its source', xml: dev("<serial type='file'/><console type='file'><source path='/a'/></console>"), code: 'libvirt-chardev-source', message: 'internal error: Missing source path attribute for char device', valid: dev("<serial type='file'><source path='/a'/></serial><console type='file'><source/><target type='serial'/></console>") },
  { rule: 'spicevmc off the virtio channel target', xml: dev("<console type='spicevmc'><target type='virtio'/></console>"), code: 'libvirt-chardev-spicevmc', message: 'unsupported configuration: spicevmc device type only supports virtio', valid: dev("<console type='spicevmc'><target type='xen'/></console>") },
  { rule: 'spicevmc serial without target type', xml: dev("<serial type='spicevmc'/>"), code: 'libvirt-chardev-spicevmc', message: 'unsupported configuration: spicevmc device type only supports virtio', valid: dev("<channel type='spicevmc'><target type='virtio'/></channel>") },
  // memory devices and pstore
  { rule: 'nvdimm without path', xml: numaDev("<memory model='nvdimm'><target><size unit='MiB'>512</size><node>0</node></target></memory>"), code: 'libvirt-memory-path', message: "path is required for model 'nvdimm'", valid: numaDev("<memory model='nvdimm'><source><path>/tmp/nv</path></source><target><size unit='MiB'>512</size><node>0</node></target></memory>") },
  { rule: 'virtio-pmem with a NUMA node', xml: numaDev("<memory model='virtio-pmem'><source><path>/tmp/p</path></source><target><size unit='MiB'>512</size><node>0</node></target></memory>"), code: 'libvirt-memory-node', message: 'unsupported configuration: virtio-pmem does not support NUMA nodes', valid: numaDev("<memory model='virtio-pmem'><source><path>/tmp/p</path></source><target><size unit='MiB'>512</size></target></memory>") },
  { rule: 'NVDIMM label under 128 KiB', xml: numaDev("<memory model='nvdimm'><source><path>/a</path></source><target><size unit='MiB'>512</size><node>0</node><label><size unit='KiB'>64</size></label></target></memory>"), code: 'libvirt-memory-label', message: 'XML error: nvdimm label must be at least 128KiB', valid: numaDev("<memory model='nvdimm'><source><path>/a</path></source><target><size unit='MiB'>512</size><node>0</node><label><size unit='KiB'>128</size></label></target></memory>") },
  { rule: 'NVDIMM label not smaller than the device', xml: numaDev("<memory model='nvdimm'><source><path>/a</path></source><target><size unit='KiB'>1024</size><node>0</node><label><size unit='KiB'>2048</size></label></target></memory>"), code: 'libvirt-memory-label', message: 'XML error: label size must be smaller than NVDIMM size', valid: numaDev("<memory model='nvdimm'><source><path>/a</path></source><target><size unit='KiB'>4096</size><node>0</node><label><size unit='KiB'>2048</size></label></target></memory>") },
  { rule: 'virtio-mem without block size', xml: numaDev("<memory model='virtio-mem'><target><size unit='MiB'>512</size><node>0</node></target></memory>"), code: 'libvirt-memory-block', message: 'block size must be a power of two', valid: numaDev("<memory model='virtio-mem'><target><size unit='MiB'>512</size><node>0</node><block unit='KiB'>2048</block></target></memory>") },
  { rule: 'virtio-mem block below the THP size', xml: numaDev("<memory model='virtio-mem'><target><size unit='MiB'>512</size><node>0</node><block unit='KiB'>1024</block></target></memory>"), code: 'libvirt-memory-block', message: 'block size too small, must be at least 2048KiB', valid: numaDev("<memory model='virtio-mem'><target><size unit='MiB'>512</size><node>0</node><block unit='KiB'>4096</block></target></memory>") },
  { rule: 'virtio-mem requested above size', xml: numaDev("<memory model='virtio-mem'><target><size unit='MiB'>512</size><node>0</node><block unit='KiB'>2048</block><requested unit='MiB'>1024</requested></target></memory>"), code: 'libvirt-memory-requested', message: 'requested size must be smaller than or equal to @size (524288KiB)', valid: numaDev("<memory model='virtio-mem'><target><size unit='MiB'>512</size><node>0</node><block unit='KiB'>2048</block><requested unit='MiB'>256</requested></target></memory>") },
  { rule: 'sgx-epc with a guest address', xml: dev("<memory model='sgx-epc'><target><size unit='KiB'>16384</size></target><address type='dimm' slot='0'/></memory>"), code: 'libvirt-memory-address', message: "unsupported configuration: memory device address is not supported for model 'sgx-epc'", valid: dev("<memory model='sgx-epc'><target><size unit='KiB'>16384</size></target></memory>") },
  { rule: 'ACPI ERST pstore without path', xml: dev("<pstore backend='acpi-erst'><size unit='KiB'>8</size></pstore>"), code: 'libvirt-pstore-path', message: 'XML error: missing path for ACPI ERST pstore device', valid: dev("<pstore backend='acpi-erst'><path>/tmp/erst</path><size unit='KiB'>8</size></pstore>") },
  { rule: 'ACPI ERST pstore size not a power of two', xml: dev("<pstore backend='acpi-erst'><path>/tmp/erst</path><size unit='KiB'>12</size></pstore>"), code: 'libvirt-pstore-size', message: 'XML error: invalid size of ACPI ERST pstore device', valid: dev("<pstore backend='acpi-erst'><path>/tmp/erst</path><size unit='KiB'>16</size></pstore>") },
  { rule: 'ACPI ERST pstore under 4 KiB', xml: dev("<pstore backend='acpi-erst'><path>/tmp/erst</path><size unit='KiB'>2</size></pstore>"), code: 'libvirt-pstore-size', message: 'XML error: invalid size of ACPI ERST pstore device', valid: dev("<pstore backend='acpi-erst'><path>/tmp/erst</path><size unit='KiB'>4</size></pstore>") },
  // TPM
  { rule: 'external TPM without source', xml: dev("<tpm><backend type='external'/></tpm>"), code: 'libvirt-tpm-source', message: 'XML error: missing external TPM backend source type', valid: dev("<tpm><backend type='external'><source type='unix' mode='connect' path='/tmp/tpm.sock'/></backend></tpm>") },
  { rule: 'active PCR banks without TPM 2.0', xml: dev("<tpm><backend type='emulator'><active_pcr_banks><sha256/></active_pcr_banks></backend></tpm>"), code: 'libvirt-tpm-version', message: "XML error: <active_pcr_banks/> requires TPM version '2.0'", valid: dev("<tpm><backend type='emulator' version='2.0'><active_pcr_banks><sha256/></active_pcr_banks></backend></tpm>") },
  { rule: 'TPM profile without TPM 2.0', xml: dev("<tpm><backend type='emulator' version='1.2'><profile source='default-v1'/></backend></tpm>"), code: 'libvirt-tpm-version', message: "XML error: <profile/> requires TPM version '2.0'", valid: dev("<tpm><backend type='emulator' version='2.0'><profile source='default-v1'/></backend></tpm>") },
  // other devices
  { rule: 'filesystem boot order off virtiofs', xml: dev("<filesystem type='mount'><source dir='/s'/><target dir='t'/><boot order='1'/></filesystem>"), code: 'libvirt-filesystem-boot', message: 'unsupported configuration: boot order is only supported for virtiofs', valid: dev("<filesystem type='mount'><driver type='virtiofs'/><source dir='/s'/><target dir='t'/><boot order='1'/></filesystem>") },
  { rule: 'RDP multiUser', xml: dev("<graphics type='rdp' multiUser='yes'/>"), code: 'libvirt-graphics-rdp', message: 'An error occurred, but the cause is unknown', valid: dev("<graphics type='rdp' autoport='yes'/>") },
  { rule: 'IOMMU option of another model', xml: dev("<iommu model='virtio'><driver iotlb='on'/></iommu>"), code: 'libvirt-iommu-option', message: "XML error: iommu model 'virtio' doesn't support some additional attributes", valid: dev("<iommu model='virtio'><driver aw_bits='48'/></iommu>") },
  { rule: 'SMMUv3 accelerated option without accel', xml: dev("<iommu model='smmuv3'><driver ats='on'/></iommu>"), code: 'libvirt-iommu-option', message: "XML error: accel must be enabled for iommu model 'smmuv3' when setting ats, ril, ssidsize, oas, or cmdqv", valid: dev("<iommu model='smmuv3'><driver accel='on' ats='on'/></iommu>") },
  { rule: 'intel IOMMU with an address', xml: dev("<iommu model='intel'><address type='pci' domain='0' bus='0' slot='5' function='0'/></iommu>"), code: 'libvirt-iommu-address', message: "XML error: iommu model 'intel' can't have address", valid: dev("<iommu model='virtio'><address type='pci' domain='0' bus='0' slot='5' function='0'/></iommu>") },
  { rule: 'virtio input model off the virtio bus', xml: dev("<input type='keyboard' model='virtio'/>"), code: 'libvirt-input-bus', message: "unsupported configuration: only bus 'virtio' is supported for input model 'virtio'", valid: dev("<input type='keyboard' bus='virtio' model='virtio'/>") },
  { rule: 'passthrough input off the virtio bus', xml: dev("<input type='passthrough' bus='usb'><source evdev='/dev/input/event1'/></input>"), code: 'libvirt-input-bus', message: "unsupported configuration: only bus 'virtio' is supported for 'passthrough' input devices", valid: dev("<input type='passthrough' bus='virtio'><source evdev='/dev/input/event1'/></input>") },
  { rule: 'evdev input with a bus', xml: dev("<input type='evdev' bus='usb'><source dev='/dev/input/event1'/></input>"), code: 'libvirt-input-bus', message: "unsupported configuration: input evdev doesn't support bus element", valid: dev("<input type='evdev'><source dev='/dev/input/event1'/></input>") },
  { rule: 'xen input bus in a full virtualized guest', xml: dev("<input type='mouse' bus='xen'/>"), code: 'libvirt-input-bus', message: 'internal error: unsupported input bus xen', valid: `${HEAD}<os><type arch='x86_64'>xen</type></os><devices><input type='mouse' bus='xen'/></devices></domain>` },
  { rule: 'tablet on ps2', xml: dev("<input type='tablet' bus='ps2'/>"), code: 'libvirt-input-bus', message: 'internal error: ps2 bus does not support tablet input device', valid: dev(`${USB}<input type='tablet' bus='usb'/>`) },
  // non-zero attributes
  { rule: 'audio id zero', xml: dev("<audio id='0' type='none'/>"), code: 'libvirt-nonzero', message: "XML error: Invalid value for attribute 'id' in element 'audio': Zero is not permitted", valid: dev("<audio id='1' type='none'/>") },
  { rule: "a sound card's audio id zero", xml: dev("<sound model='ich9'><audio id='0'/></sound><audio id='1' type='none'/>"), code: 'libvirt-nonzero', message: "XML error: Invalid value for attribute 'id' in element 'audio': Zero is not permitted", valid: dev("<sound model='ich9'><audio id='1'/></sound><audio id='1' type='none'/>") },
  { rule: 'virtio sound streams zero', xml: dev("<sound model='virtio' streams='0'/>"), code: 'libvirt-nonzero', message: "XML error: Invalid value for attribute 'streams' in element 'sound': Zero is not permitted", valid: dev("<sound model='virtio' streams='2'/>") },
  { rule: 'ACPI index zero', xml: dev("<input type='keyboard' bus='virtio'><acpi index='0'/></input>"), code: 'libvirt-nonzero', message: "XML error: Invalid value for attribute 'index' in element 'acpi': Zero is not permitted", valid: dev("<input type='keyboard' bus='virtio'><acpi index='1'/></input>") },
  { rule: 'vsock CID zero', xml: dev("<vsock model='virtio'><cid address='0'/></vsock>"), code: 'libvirt-nonzero', message: "XML error: Invalid value for attribute 'address' in element 'cid': Zero is not permitted", valid: dev("<vsock model='virtio'><cid address='3'/></vsock>") },
  // address types
  { rule: 'unassigned address off a hostdev', xml: dev("<panic model='isa'><address type='unassigned'/></panic>"), code: 'libvirt-address-unassigned', message: "unsupported configuration: address of type 'unassigned' is supported only for hostdevs", valid: dev("<panic model='isa'/>") },
  { rule: 'dimm address without slot', xml: dev("<rng model='virtio'><backend model='random'/><address type='dimm'/></rng>"), code: 'libvirt-address-dimm', message: "XML error: Missing required attribute 'slot' in element 'address'", valid: dev("<rng model='virtio'><backend model='random'/></rng>") },
  { rule: 'redirdev with a non-USB address', xml: dev(`${USB}<redirdev bus='usb' type='spicevmc'><address type='pci' domain='0' bus='0' slot='5' function='0'/></redirdev>`), code: 'libvirt-address-usb', message: 'XML error: Invalid address for a USB device', valid: dev(`${USB}<redirdev bus='usb' type='spicevmc'><address type='usb' bus='0' port='1'/></redirdev>`) },
  { rule: 'USB input with a non-USB address', xml: dev(`${USB}<input type='tablet' bus='usb'><address type='pci' domain='0' bus='0' slot='5' function='0'/></input>`), code: 'libvirt-address-usb', message: 'XML error: Invalid address for a USB device', valid: dev(`${USB}<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>`) },
  { rule: 'smartcard with a non-CCID address', xml: dev("<smartcard mode='host'><address type='usb' bus='0' port='1'/></smartcard>"), code: 'libvirt-address-ccid', message: "unsupported configuration: Controllers must use the 'ccid' address type", valid: dev("<smartcard mode='host'/>") },
  { rule: 'redirected USB without a USB controller', xml: dev("<controller type='usb' model='none'/><redirdev bus='usb' type='spicevmc'/>"), code: 'libvirt-redirdev-usb', message: 'unsupported configuration: cannot add redirected USB device: USB is disabled for this domain', valid: dev(`${USB}<redirdev bus='usb' type='spicevmc'/>`) },
  // domain rules
  { rule: 'vcpu id beyond the maximum', xml: dom("<vcpu>2</vcpu><vcpus><vcpu id='2' enabled='yes'/></vcpus>"), code: 'libvirt-vcpu-id', message: "XML error: vcpu id '2' is out of range of maximum vcpu count", valid: dom("<vcpu>2</vcpu><vcpus><vcpu id='0' enabled='yes' hotpluggable='no'/><vcpu id='1' enabled='yes' hotpluggable='yes'/></vcpus>") },
  { rule: 'thread pool min without max', xml: dom("<defaultiothread thread_pool_min='0'/>"), code: 'libvirt-thread-pool', message: 'unsupported configuration: thread_pool_min must be smaller or equal to thread_pool_max', valid: dom("<defaultiothread thread_pool_min='0' thread_pool_max='2'/>") },
  { rule: 'thread pool max zero', xml: dom("<iothreads>1</iothreads><iothreadids><iothread id='1' thread_pool_max='0'/></iothreadids>"), code: 'libvirt-thread-pool', message: 'unsupported configuration: thread_pool_max must be a positive integer', valid: dom("<iothreads>1</iothreads><iothreadids><iothread id='1' thread_pool_max='1'/></iothreadids>") },
  { rule: 'uid map without gid map', xml: dom("<idmap><uid start='0' target='1000' count='10'/></idmap>"), code: 'libvirt-idmap', message: 'unsupported configuration: uid and gid should be mapped both', valid: dom("<idmap><uid start='0' target='1000' count='10'/><gid start='0' target='1000' count='10'/></idmap>") },
  { rule: 'idmap without root', xml: dom("<idmap><uid start='1' target='1000' count='10'/><gid start='0' target='1000' count='10'/></idmap>"), code: 'libvirt-idmap', message: 'unsupported configuration: You must map the root user of container', valid: dom("<idmap><uid start='0' target='1000' count='10'/><gid start='0' target='1000' count='10'/></idmap>") },
  { rule: 'launch security blob of another length', xml: dom("<launchSecurity type='tdx'><policy>0x0</policy><mrOwner>AAAA</mrOwner></launchSecurity>"), code: 'libvirt-launch-security', message: "unsupported configuration: Unexpected length of 'mrOwner', expected 48 got 3", valid: dom(`<launchSecurity type='tdx'><policy>0x0</policy><mrOwner>${'A'.repeat(64)}</mrOwner></launchSecurity>`) },
  { rule: 'empty resource', xml: dom('<resource/>'), code: 'libvirt-resource-empty', message: 'An error occurred, but the cause is unknown', valid: dom('<resource><partition>/machine</partition></resource>') },
  { rule: 'container without init', xml: dom("<os><type>exe</type><initdir>/</initdir></os>"), code: 'libvirt-os-init', message: 'XML error: init binary must be specified', valid: dom("<os><type>exe</type><init>/bin/sh</init></os>") },
  { rule: 'shim without kernel', xml: dom("<os><type arch='x86_64' machine='pc'>hvm</type><shim>/s</shim></os>"), code: 'libvirt-os-shim', message: 'unsupported configuration: shim only allowed with kernel option', valid: dom("<os><type arch='x86_64' machine='pc'>hvm</type><kernel>/k</kernel><shim>/s</shim></os>") },
  // CPU and clock
  { rule: 'CPU vendor without model', xml: dom("<cpu mode='host-model'><vendor>Intel</vendor></cpu>"), code: 'libvirt-cpu-model', message: 'XML error: CPU vendor specified without CPU model', valid: dom("<cpu><model>qemu64</model><vendor>Intel</vendor></cpu>") },
  { rule: 'custom CPU features without model', xml: dom("<cpu><topology sockets='1' cores='1' threads='1'/><feature policy='require' name='vmx'/></cpu>"), code: 'libvirt-cpu-model', message: 'XML error: Non-empty feature list specified without CPU model', valid: dom("<cpu mode='host-model'><feature policy='require' name='vmx'/></cpu>") },
  { rule: 'custom CPU check without model', xml: dom("<cpu check='none'><topology sockets='1' cores='1' threads='1'/></cpu>"), code: 'libvirt-cpu-model', message: 'unsupported configuration: check attribute specified for CPU with no model', valid: dom("<cpu mode='host-passthrough' check='none'/>") },
  { rule: 'migratable off host-passthrough', xml: dom("<cpu mode='host-model' migratable='on'/>"), code: 'libvirt-cpu-migratable', message: "unsupported configuration: Attribute migratable is only allowed for 'host-passthrough' / 'maximum' CPU mode", valid: dom("<cpu mode='host-passthrough' migratable='on'/>") },
  { rule: 'timezone clock without zone', xml: dom("<clock offset='timezone'/>"), code: 'libvirt-clock-timezone', message: "internal error: missing 'timezone' attribute for clock with offset='timezone'", valid: dom("<clock offset='timezone' timezone='Europe/Paris'/>") },
  // cputune, iommufd
  { rule: 'cputune period out of range', xml: dom('<cputune><period>999</period></cputune>'), code: 'libvirt-cputune-range', message: "unsupported configuration: Value of cputune 'period' must be in range [1000, 1000000]", valid: dom('<cputune><period>1000</period></cputune>') },
  { rule: 'cputune quota below 1000', xml: dom('<cputune><emulator_quota>999</emulator_quota></cputune>'), code: 'libvirt-cputune-range', message: "unsupported configuration: Value of cputune 'emulator_quota' must be in range [1000, 17592186044415]", valid: dom('<cputune><quota>-1</quota><emulator_quota>1000</emulator_quota></cputune>') },
  { rule: 'vcpusched without vcpus', xml: dom("<vcpu>2</vcpu><cputune><vcpusched scheduler='batch'/></cputune>"), code: 'libvirt-cputune-sched', message: "XML error: Missing attribute 'vcpus' in element 'vcpusched'", valid: dom("<vcpu>2</vcpu><cputune><vcpusched vcpus='1' scheduler='batch'/></cputune>") },
  { rule: 'vcpusched of a vCPU beyond the maximum', xml: dom("<vcpu>2</vcpu><cputune><vcpusched vcpus='1-2' scheduler='batch'/></cputune>"), code: 'libvirt-cputune-sched', message: "unsupported configuration: vCPU '2' is not present in domain definition", valid: dom("<vcpu>3</vcpu><cputune><vcpusched vcpus='1-2' scheduler='batch'/></cputune>") },
  { rule: 'iothreadsched without iothreads', xml: dom("<iothreads>1</iothreads><cputune><iothreadsched scheduler='batch'/></cputune>"), code: 'libvirt-cputune-sched', message: "XML error: Missing attribute 'iothreads' in element 'iothreadsched'", valid: dom("<iothreads>1</iothreads><cputune><iothreadsched iothreads='1' scheduler='batch'/></cputune>") },
  { rule: 'fdgroup of a disabled iommufd', xml: dom("<iommufd enabled='no' fdgroup='x'/>"), code: 'libvirt-iommufd', message: "unsupported configuration: Setting 'fdgroup' when 'iommufd' is disabled is not supported.", valid: dom("<iommufd enabled='yes' fdgroup='x'/>") },
  // disks
  { rule: 'disk name libvirt cannot number', xml: dev("<disk type='file'><source file='/a'/><target dev='vdX' bus='virtio'/></disk>"), code: 'libvirt-disk-name', message: "XML error: Unknown disk name 'vdX' and no address specified", valid: dev("<disk type='file'><source file='/a'/><target dev='nvme0n1p2' bus='nvme'/></disk>") },
  { rule: 'disk name libvirt cannot number, with an address', xml: dev("<disk type='file'><source file='/a'/><target dev='xyz' bus='virtio'/><address type='pci' domain='0' bus='0' slot='7' function='0'/></disk>"), code: 'libvirt-disk-name', message: 'internal error: Invalid harddisk device name: xyz', valid: dev("<disk type='file'><source file='/a'/><target dev='vdb' bus='virtio'/><address type='pci' domain='0' bus='0' slot='7' function='0'/></disk>") },
  { rule: 'backing store without source', xml: dev("<disk type='file'><source file='/a'/><backingStore type='file'><format type='raw'/></backingStore><target dev='vda' bus='virtio'/></disk>"), code: 'libvirt-disk-backing', message: 'XML error: missing disk backing store source', valid: dev("<disk type='file'><source file='/a'/><backingStore type='file'><format type='raw'/><source file='/b'/></backingStore><target dev='vda' bus='virtio'/></disk>") },
  { rule: 'LUN that is no block device', xml: dev("<disk type='block' device='lun'><target dev='sda' bus='scsi'/></disk>"), code: 'libvirt-disk-lun', message: "unsupported configuration: disk device='lun' is only valid for block type disk source", valid: dev("<disk type='block' device='lun'><source dev='/dev/sdb'/><target dev='sda' bus='scsi'/></disk>") },
  // interfaces, virtio options, controllers
  { rule: 'VLAN tag on a user interface', xml: dev("<interface type='user'><mac address='52:54:00:12:34:56'/><vlan><tag id='42'/></vlan></interface>"), code: 'libvirt-interface-vlan', message: 'unsupported configuration: interface 52:54:00:12:34:56 - vlan tag not supported for this connection type', valid: dev("<interface type='bridge'><mac address='52:54:00:12:34:56'/><source bridge='br0'/><vlan><tag id='42'/></vlan></interface>") },
  { rule: 'virtio option on a non-virtio video card', xml: dev("<video><model type='vga'/><driver iommu='on'/></video>"), code: 'libvirt-virtio-option', message: 'unsupported configuration: iommu driver option is only supported for virtio devices', valid: dev("<video><model type='virtio'/><driver iommu='on'/></video>") },
  { rule: 'virtio option on a non-virtio NIC', xml: dev("<interface type='user'><model type='e1000'/><driver packed='on'/></interface>"), code: 'libvirt-virtio-option', message: 'unsupported configuration: packed driver option is only supported for virtio devices', valid: dev("<interface type='user'><model type='virtio'/><driver packed='on'/></interface>") },
  { rule: 'controller iothread off virtio-scsi', xml: dev("<controller type='sata'><driver iothread='1'/></controller>"), code: 'libvirt-controller-iothread', message: "XML error: 'iothread' attribute only supported for virtio scsi controllers", valid: dev("<controller type='scsi' model='virtio-scsi'><driver iothread='1'/></controller>") },
  { rule: 'controller iothreads list off virtio-scsi', xml: dev("<controller type='sata'><driver><iothreads><iothread id='1'/></iothreads></driver></controller>"), code: 'libvirt-controller-iothread', message: "unsupported configuration: iothreads are supported only by 'virtio-scsi' controllers", valid: dev("<controller type='sata'/>") },
  // guest IP information, bandwidth, NUMA tuning
  { rule: 'interface <ip> of another family', xml: dev("<interface type='user'><ip address='fd00::2' family='ipv4' prefix='24'/></interface>"), code: 'libvirt-ip-address', message: "XML error: Invalid address 'fd00::2' in <ip>", valid: dev("<interface type='user'><ip address='10.0.0.2' family='ipv4' prefix='24'/></interface>") },
  { rule: 'IPv6 route without family', xml: dev("<interface type='ethernet'><route address='fd00::' prefix='64' gateway='fd00::1'/></interface>"), code: 'libvirt-route-family', message: "XML error: guest interface: No family specified for non-IPv4 address 'fd00::' in route definition", valid: dev("<interface type='ethernet'><route family='ipv6' address='fd00::' prefix='64' gateway='fd00::1'/></interface>") },
  { rule: 'route to IPv4 over an IPv6 gateway without family', xml: dev("<interface type='ethernet'><route address='10.0.0.0' prefix='8' gateway='fd00::1'/></interface>"), code: 'libvirt-route-family', message: "XML error: guest interface: No family specified for non-IPv4 gateway '10.0.0.0' in route definition", valid: dev("<interface type='ethernet'><route address='10.0.0.0' prefix='8' gateway='10.0.0.1'/></interface>") },
  { rule: 'classID on an interface bandwidth', xml: dev("<interface type='user'><bandwidth classID='2'><inbound average='100'/></bandwidth></interface>"), code: 'libvirt-interface-bandwidth', message: 'classID attribute not supported on <bandwidth> in this usage context', valid: dev("<interface type='user'><bandwidth><inbound average='100'/></bandwidth></interface>") },
  { rule: 'interface bandwidth without average or floor', xml: dev("<interface type='user'><bandwidth><outbound/></bandwidth></interface>"), code: 'libvirt-interface-bandwidth', message: 'Missing mandatory average or floor attributes', valid: dev("<interface type='user'><bandwidth><outbound average='10'/></bandwidth></interface>") },
  { rule: 'floor on an interface not of type network', xml: dev("<interface type='bridge'><source bridge='br0'/><bandwidth><inbound floor='5'/></bandwidth></interface>"), code: 'libvirt-interface-bandwidth', message: 'unsupported configuration: floor attribute is not supported for this config', valid: dev("<interface type='network'><source network='default'/><bandwidth><inbound floor='5'/></bandwidth></interface>") },
  { rule: 'outbound floor', xml: dev("<interface type='network'><source network='default'/><bandwidth><outbound floor='5'/></bandwidth></interface>"), code: 'libvirt-interface-bandwidth', message: 'unsupported configuration: floor attribute is not supported for this config', valid: dev("<interface type='network'><source network='default'/><bandwidth><inbound floor='5'/></bandwidth></interface>") },
  { rule: 'route address beyond its netmask', xml: dev("<interface type='ethernet'><route address='10.1.0.1' netmask='255.255.0.0' gateway='10.0.0.1'/></interface>"), code: 'libvirt-route-address', message: "XML error: guest interface: Address '10.1.0.1' in route definition is not a network address", valid: dev("<interface type='ethernet'><route address='10.1.0.0' netmask='255.255.0.0' gateway='10.0.0.1'/></interface>") },
  { rule: 'IPv6 route address beyond its prefix', xml: dev("<interface type='ethernet'><route family='ipv6' address='fd00::1' prefix='64' gateway='fd00::1'/></interface>"), code: 'libvirt-route-address', message: "XML error: guest interface: Address 'fd00::1' in route definition is not a network address", valid: dev("<interface type='ethernet'><route family='ipv6' address='fd00::' prefix='64' gateway='fd00::1'/></interface>") },
  { rule: 'virtio disk model off the virtio bus', xml: dev("<disk type='file' model='virtio'><source file='/a'/><target dev='sda' bus='sata'/></disk>"), code: 'libvirt-disk-model', message: "unsupported configuration: disk model 'virtio' not supported for bus 'sata'", valid: dev("<disk type='file' model='virtio-non-transitional'><source file='/a'/><target dev='vda'/></disk>") },
  { rule: 'virtio disk model on a floppy (bus fdc by default)', xml: dev("<disk type='file' device='floppy' model='virtio'><source file='/a'/><target dev='vda'/></disk>"), code: 'libvirt-disk-model', message: "unsupported configuration: disk model 'virtio' not supported for bus 'fdc'", valid: dev("<disk type='file' device='floppy'><source file='/a'/><target dev='fda'/></disk>") },
  { rule: 'virtio disk model on an nvme target name', xml: dev("<disk type='file' model='virtio-transitional'><source file='/a'/><target dev='nvme0n1'/></disk>"), code: 'libvirt-disk-model', message: "unsupported configuration: disk model 'virtio-transitional' not supported for bus 'nvme'", valid: dev("<disk type='file' model='usb-bot'><source file='/a'/><target dev='sda' bus='sata'/></disk>") },
  { rule: 'tray on a disk', xml: dev("<disk type='file'><source file='/a'/><target dev='vda' tray='closed'/></disk>"), code: 'libvirt-disk-tray', message: 'unsupported configuration: tray is only valid for cdrom and floppy', valid: dev("<disk type='file' device='cdrom'><source file='/a'/><target dev='hdc' tray='open'/></disk>") },
  { rule: 'removable off USB and SCSI', xml: dev("<disk type='file' device='cdrom'><source file='/a'/><target dev='hdc' removable='off'/></disk>"), code: 'libvirt-disk-removable', message: 'XML error: removable is only valid for usb or scsi disks', valid: dev("<disk type='file'><source file='/a'/><target dev='sda' removable='on'/></disk>") },
  { rule: 'qxl with edid', xml: dev("<video><model type='qxl' edid='on'/></video>"), code: 'libvirt-video-edid', message: "unsupported configuration: video type 'qxl' does not support edid", valid: dev("<video><model type='virtio' edid='off'/></video>") },
  { rule: 'ramfb with edid', xml: dev("<video><model type='ramfb' edid='off'/></video>"), code: 'libvirt-video-edid', message: "unsupported configuration: video type 'ramfb' does not support edid", valid: dev("<video><model type='vga' edid='on'/></video>") },
  { rule: 'ip prefix beyond the family', xml: dev("<interface type='ethernet'><ip address='10.0.0.1' prefix='33'/></interface>"), code: 'libvirt-ip-prefix', message: "XML error: Invalid prefix value '33' in <ip>", valid: dev("<interface type='ethernet'><ip address='10.0.0.1' prefix='32'/></interface>") },
  { rule: 'ip peer of another family', xml: dev("<interface type='ethernet'><ip address='fd00::2' family='ipv6' peer='10.0.0.2'/></interface>"), code: 'libvirt-ip-peer', message: "invalid argument: Invalid peer '10.0.0.2' in <ip>", valid: dev("<interface type='ethernet'><ip address='10.0.0.1' prefix='24' peer='10.0.0.2'/></interface>") },
  { rule: 'NUMA cache level above 3', xml: dom("<vcpu>2</vcpu><cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'><cache level='4' associativity='direct' policy='writeback'><size value='10' unit='KiB'/><line value='8' unit='B'/></cache></cell></numa></cpu>"), code: 'libvirt-numa-cache', message: "XML error: Ain't nobody heard of that much cache level", valid: dom("<vcpu>2</vcpu><cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'><cache level='3' associativity='direct' policy='writeback'><size value='10' unit='KiB'/><line value='8' unit='B'/></cache></cell></numa></cpu>") },
  { rule: 'NUMA cache level zero', xml: dom("<vcpu>2</vcpu><cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'><cache level='0' associativity='direct' policy='writeback'><size value='10' unit='KiB'/><line value='8' unit='B'/></cache></cell></numa></cpu>"), code: 'libvirt-nonzero', message: "XML error: Invalid value for attribute 'level' in element 'cache': Zero is not permitted", valid: dom("<vcpu>2</vcpu><cpu><numa><cell id='0' cpus='0-1' memory='1048576' unit='KiB'><cache level='1' associativity='direct' policy='writeback'><size value='10' unit='KiB'/><line value='8' unit='B'/></cache></cell></numa></cpu>") },
  { rule: 'IPv4 route to an IPv6 address', xml: dev("<interface type='ethernet'><route family='ipv4' address='fd00::' prefix='64' gateway='10.0.0.1'/></interface>"), code: 'libvirt-route-family', message: "XML error: guest interface: IPv4 family specified for non-IPv4 address 'fd00::' in route definition", valid: dev("<interface type='ethernet'><route family='ipv4' address='10.0.0.0' prefix='8' gateway='10.0.0.1'/></interface>") },
  { rule: 'IPv4 route over an IPv6 gateway (libvirt names the address)', xml: dev("<interface type='ethernet'><route family='ipv4' address='10.0.0.0' prefix='8' gateway='fd00::1'/></interface>"), code: 'libvirt-route-family', message: "XML error: guest interface: IPv4 family specified for non-IPv4 gateway '10.0.0.0' in route definition", valid: dev("<interface type='ethernet'><route family='ipv4' address='10.0.0.0' prefix='8' gateway='10.0.0.1'/></interface>") },
  { rule: 'IPv6 route to an IPv4 address', xml: dev("<interface type='ethernet'><route family='ipv6' address='10.0.0.0' prefix='8' gateway='fd00::1'/></interface>"), code: 'libvirt-route-family', message: "XML error: guest interface: ipv6 family specified for non-IPv6 address '10.0.0.0' in route definition", valid: dev("<interface type='ethernet'><route family='ipv6' address='fd00::' prefix='64' gateway='fd00::1'/></interface>") },
  { rule: 'IPv6 route over an IPv4 gateway', xml: dev("<interface type='ethernet'><route family='ipv6' address='fd00::' prefix='64' gateway='10.0.0.1'/></interface>"), code: 'libvirt-route-family', message: "XML error: guest interface: ipv6 specified for non-IPv6 gateway address '10.0.0.1' in route definition", valid: dev("<interface type='ethernet'><route family='ipv6' address='fd00::' prefix='64' gateway='fd00::1'/></interface>") },
  { rule: 'backend hostname without passt', xml: dev("<interface type='user'><backend hostname='a'/></interface>"), code: 'libvirt-interface-backend', message: "unsupported configuration: The 'fqdn' attribute of the <backend> element can only be used with the <backend> type='passt'", valid: dev("<interface type='user'><backend type='passt' fqdn='a.b' hostname='a'/></interface>") },
  { rule: 'backend fqdn without passt', xml: dev("<interface type='user'><backend fqdn='a.b'/></interface>"), code: 'libvirt-interface-backend', message: "unsupported configuration: The 'fqdn' attribute of the <backend> element can only be used with the <backend> type='passt'", valid: dev("<interface type='user'><backend type='passt' fqdn='a.b'/></interface>") },
  { rule: 'virtualport without type on a bridge', xml: dev("<interface type='bridge'><source bridge='br0'/><virtualport/></interface>"), code: 'libvirt-interface-virtualport', message: 'XML error: missing required virtualport type', valid: dev("<interface type='network'><source network='default'/><virtualport/></interface>") },
  { rule: 'virtualport without type on a hostdev interface', xml: dev("<interface type='hostdev'><source><address type='pci' domain='0' bus='1' slot='0' function='0'/></source><virtualport/></interface>"), code: 'libvirt-interface-virtualport', message: 'XML error: missing required virtualport type', valid: dev("<interface type='hostdev'><source><address type='pci' domain='0' bus='1' slot='0' function='0'/></source><virtualport type='802.1Qbh'><parameters profileid='p'/></virtualport></interface>") },
  { rule: 'iSCSI hostdev with another secret type', xml: dev("<hostdev mode='subsystem' type='scsi'><source protocol='iscsi' name='iqn.x/1'><host name='h'/><auth username='u'><secret type='ceph' usage='x'/></auth></source></hostdev>"), code: 'libvirt-hostdev-secret-type', message: "internal error: hostdev invalid secret type 'ceph'", valid: dev("<hostdev mode='subsystem' type='scsi'><source protocol='iscsi' name='iqn.x/1'><host name='h'/><auth username='u'><secret type='iscsi' usage='x'/></auth></source></hostdev>") },
  { rule: 'vhost SCSI host on a virtio-mmio address', xml: dev("<hostdev mode='subsystem' type='scsi_host'><source protocol='vhost' wwpn='naa.5001405df3e54061'/><address type='virtio-mmio'/></hostdev>"), code: 'libvirt-hostdev-address', message: "unsupported configuration: SCSI_host host device must use 'pci' or 'ccw' address type", valid: dev("<hostdev mode='subsystem' type='scsi_host'><source protocol='vhost' wwpn='naa.5001405df3e54061'/><address type='ccw' cssid='0xfe' ssid='0' devno='1'/></hostdev>") },
  { rule: 'PCI controller index above 255', xml: dev("<controller type='pci' index='256' model='pcie-root-port'/>"), code: 'libvirt-pci-index', message: 'unsupported configuration: PCI controller index 256 too high, maximum is 255', valid: dev("<controller type='pci' index='1' model='pcie-root-port'/><controller type='pci' index='255' model='pcie-root-port'/>") },
  { rule: 'vhostuser video driver off virtio', xml: dev("<video><driver name='vhostuser'/><model type='qxl'/></video>"), code: 'libvirt-video-vhostuser', message: "unsupported configuration: 'vhostuser' driver is only supported with 'virtio' device", valid: dev("<video><driver name='vhostuser'/><model type='virtio'/></video>") },
  { rule: 'data store without source', xml: dev("<disk type='file'><source file='/a'><dataStore type='file'><format type='raw'/></dataStore></source><target dev='vda'/></disk>"), code: 'libvirt-disk-datastore', message: 'XML error: missing disk data file store source', valid: dev("<disk type='file'><driver name='qemu' type='qcow2'/><source file='/a'><dataStore type='file'><format type='raw'/><source file='/b'/></dataStore></source><target dev='vda'/></disk>") },
  { rule: 'blkio device path twice', xml: dom("<blkiotune><device><path>/dev/sda</path><weight>800</weight></device><device><path>/dev/sda</path></device></blkiotune>"), code: 'libvirt-blkiotune-path', message: "unsupported configuration: duplicate blkio device path '/dev/sda'", valid: dom("<blkiotune><device><path>/dev/sda</path><weight>800</weight></device><device><path>/dev/sdb</path><weight>500</weight></device></blkiotune>") },
  { rule: 'throttle group without name', xml: dom("<throttlegroups><throttlegroup><read_bytes_sec>1</read_bytes_sec><group_name></group_name></throttlegroup></throttlegroups>"), code: 'libvirt-throttlegroup-name', message: 'XML error: missing group name', valid: dom("<throttlegroups><throttlegroup><read_bytes_sec>1</read_bytes_sec><group_name>g</group_name></throttlegroup></throttlegroups>") },
  { rule: 'qcow2 ROM loader without path', xml: `${HEAD}<os firmware='efi'><type arch='x86_64' machine='pc'>hvm</type><loader type='rom' format='qcow2'/></os></domain>`, code: 'libvirt-os-loader', message: "Invalid format 'qcow2' for ROM loader type", valid: `${HEAD}<os firmware='efi'><type arch='x86_64' machine='pc'>hvm</type><loader format='qcow2'/></os></domain>` },
  { rule: 'qcow2 ROM loader', xml: dom("<os><type arch='x86_64' machine='pc'>hvm</type><loader format='qcow2'>/a</loader></os>"), code: 'libvirt-os-loader', message: "Invalid format 'qcow2' for ROM loader type", valid: dom("<os><type arch='x86_64' machine='pc'>hvm</type><loader type='pflash' format='qcow2'>/a</loader></os>") },
  { rule: 'disk without source', xml: dev("<disk type='file'><target dev='vda'/></disk>"), code: 'libvirt-disk-source', message: 'missing source information for device vda', valid: dev("<disk type='file' device='cdrom'><target dev='hdc'/></disk>") },
  { rule: 'network disk without source', xml: dev("<disk type='network'><target dev='vda'/></disk>"), code: 'libvirt-disk-source', message: 'missing source information for device vda', valid: dev("<disk type='network'><source protocol='nbd' name='x'><host name='h'/></source><target dev='vda'/></disk>") },
  { rule: 'nvram of a type without source', xml: `${HEAD}<os firmware='efi'><type arch='x86_64' machine='pc'>hvm</type><nvram type='block'/></os></domain>`, code: 'libvirt-os-nvram', message: 'An error occurred, but the cause is unknown', valid: `${HEAD}<os firmware='efi'><type arch='x86_64' machine='pc'>hvm</type><nvram type='block'><source dev='/dev/x'/></nvram></os></domain>` },
  { rule: 'lease with an empty lockspace', xml: dev("<lease><lockspace></lockspace><key>k</key><target path='/p'/></lease>"), code: 'libvirt-lease', message: 'An error occurred, but the cause is unknown', valid: dev("<lease><lockspace>s</lockspace><key>k</key><target path='/p'/></lease>") },
  { rule: 'numatune memory without nodeset', xml: dom("<numatune><memory mode='strict'/></numatune>"), code: 'libvirt-numatune-nodeset', message: "unsupported configuration: nodeset for NUMA memory tuning must be set if 'placement' is 'static'", valid: dom("<vcpu placement='auto'>1</vcpu><numatune><memory mode='strict'/></numatune>").replace("<os>", '<os>') },
  // empty and absent content libvirt needs
  { rule: 'nvram without loader or firmware', xml: dom("<os><type arch='x86_64' machine='pc'>hvm</type><nvram>/var/lib/nv.fd</nvram></os>"), code: 'libvirt-os-loader', message: 'no loader path specified and firmware auto selection disabled', valid: dom("<os><type arch='x86_64' machine='pc'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader><nvram>/var/lib/nv.fd</nvram></os>") },
  { rule: 'empty initarg', xml: dom('<os><type>exe</type><init>/bin/sh</init><initarg></initarg></os>'), code: 'libvirt-os-init', message: 'XML error: No data supplied for <initarg> element', valid: dom('<os><type>exe</type><init>/bin/sh</init><initarg>-l</initarg></os>') },
  { rule: 'empty initenv', xml: dom("<os><type>exe</type><init>/bin/sh</init><initenv name='A'></initenv></os>"), code: 'libvirt-os-init', message: "XML error: No value supplied for <initenv name='A'> element", valid: dom("<os><type>exe</type><init>/bin/sh</init><initenv name='A'>1</initenv></os>") },
  { rule: 'static seclabel without label', xml: dom("<seclabel type='static' model='selinux' relabel='no'><label></label></seclabel>"), code: 'libvirt-seclabel-label', message: 'XML error: security label is missing', valid: dom("<seclabel type='static' model='selinux' relabel='no'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>") },
  { rule: 'fw_cfg entry without value or file', xml: dom("<sysinfo type='fwcfg'><entry name='opt/a'></entry></sysinfo>"), code: 'libvirt-sysinfo-entry', message: "XML error: Firmware entry must have either value or 'file' attribute", valid: dom("<sysinfo type='fwcfg'><entry name='opt/a'>x</entry></sysinfo>") },
  { rule: 'empty video acceleration', xml: dev("<video><model type='qxl'><acceleration/></model></video>"), code: 'libvirt-video-acceleration', message: 'unsupported configuration: missing values for acceleration', valid: dev("<video><model type='virtio'><acceleration accel3d='no'/></model></video>") },
  { rule: 'socket listen on RDP', xml: dev("<graphics type='rdp'><listen type='socket' socket='/tmp/s'/></graphics>"), code: 'libvirt-graphics-listen', message: "unsupported configuration: listen type 'socket' is not available for graphics type 'rdp'", valid: dev("<graphics type='vnc'><listen type='socket' socket='/tmp/s'/></graphics>") },
];

describe('libvirt rules found by the differential (libvirt profile)', () => {
  for (const c of CASES) {
    it(c.rule, () => {
      // the rule itself (where libvirt's schema refuses the same node, validateXml keeps the schema's word)
      const rules = domainSemanticDiagnostics(parseDomainXml(c.xml, { keepOrigins: true }), { profile: 'libvirt' });
      const d = rules.find((x) => x.code === c.code);
      expect(d, JSON.stringify(rules.map((x) => `${x.code}: ${x.message}`))).toBeDefined();
      expect(validateXml(c.xml, { profile: 'libvirt' }).valid).toBe(false);
      expect(d!.message).toBe(c.message);
      expect(d!.line).toBeGreaterThan(0);
      const good = validateXml(c.valid, { profile: 'libvirt' });
      expect(good.diagnostics.map((x) => `${x.code}: ${x.message}`)).toEqual([]);
    });
  }

  it("base64 lengths as glib decodes them (skipping foreign characters, whole groups of four, padding)", () => {
    expect(base64Length('AAAA')).toBe(3);
    expect(base64Length('AAAAA')).toBe(3);
    expect(base64Length('AAA=')).toBe(2);
    expect(base64Length('AA.AAA')).toBe(3);
    expect(base64Length('x_1')).toBe(0);
    expect(base64Length('A'.repeat(22))).toBe(15);
    expect(base64Length('A'.repeat(22) + '==')).toBe(16);
  });
});

const live = liveOracleUnavailable();

describe.skipIf(Boolean(live))('libvirt 12.9 on the same cases (the chroot)', () => {
  it('refuses each invalid case with the message, accepts each valid twin', () => {
    const answers = askLibvirt(CASES.flatMap((c) => [{ xml: c.xml }, { xml: c.valid }]));
    for (const c of CASES) {
      const bad = answers.get(hashOf(c.xml))!;
      const good = answers.get(hashOf(c.valid))!;
      expect({ rule: c.rule, ok: bad.ok, error: bad.error }).toEqual({ rule: c.rule, ok: false, error: c.message });
      expect({ rule: c.rule, ok: good.ok, error: good.error }).toEqual({ rule: c.rule, ok: true, error: undefined });
    }
  });
});

/** libvirt 12.9's output for a minimal domain with these devices (its test driver fills in the rest as here). */
const out129 = (devices: string) => `<domain type='qemu'>
  <name>vx</name>
  <uuid>66adc9dc-c937-45aa-9c73-af5b22d02904</uuid>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='i686'>hvm</type>
    <boot dev='hd'/>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
${devices}
    <video>
      <model type='cirrus' vram='16384' heads='1' primary='yes'/>
    </video>
  </devices>
</domain>
`;

describe("VNC ports and attribute order as libvirt 12.9 writes them (the differential's fidelity class)", () => {
  // input → libvirt 12.9's <graphics> line (asked of it)
  const VNC: Array<[string, string]> = [
    ["<graphics type='vnc' autoport='no'/>", "<graphics type='vnc' autoport='no'>"],
    ["<graphics type='vnc' port='-1' autoport='no'/>", "<graphics type='vnc' port='-1' autoport='no'>"],
    ["<graphics type='vnc' port='0'/>", "<graphics type='vnc' port='-1' autoport='yes'>"],
    ["<graphics type='vnc' port='5900'/>", "<graphics type='vnc' port='5900' autoport='no'>"],
    ["<graphics type='vnc' port='5900' autoport='yes'/>", "<graphics type='vnc' port='-1' autoport='yes'>"],
    [
      "<graphics type='vnc' listen='127.0.0.1' websocket='5700' wait='yes' port='5900' keymap='de'/>",
      "<graphics type='vnc' port='5900' autoport='no' websocket='5700' wait='yes' listen='127.0.0.1' keymap='de'>",
    ],
  ];
  for (const [input, line] of VNC) {
    it(input, () => {
      const listen = line.includes("listen='127.0.0.1'") ? "<listen type='address' address='127.0.0.1'/>" : "<listen type='address'/>";
      const y = out129(`    ${line}\n      ${listen}\n    </graphics>`);
      expect(formatDomainXml(parseDomainXml(y))).toBe(y);
      // the input reads to libvirt's autoport (with an address listen added, as libvirt adds it, it is written as libvirt does)
      const g = parseDomainXml(dev(input)).devices?.graphics?.[0];
      expect(g && 'autoport' in g ? g.autoport : undefined).toBe(line.includes("autoport='yes'"));
      const withListen = dev(input.replace(/\/>$/, ">" + listen + '</graphics>'));
      expect(formatDomainXml(parseDomainXml(withListen), { inactive: true })).toContain(line);
    });
  }
});
