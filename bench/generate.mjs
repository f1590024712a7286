// Generated documents for the scale benchmarks (bench/scale.mjs, bench/validate-scale.mjs).
const hex = (n, w) => n.toString(16).padStart(w, '0');
/** Disk target names vda…vdz, vdaa…: libvirt's own scheme (virDiskNameToIndex's inverse). */
export function diskName(i) {
  let s = '';
  for (i += 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(97 + ((i - 1) % 26)) + s;
  return 'vd' + s;
}

/**
 * A domain with n devices: a mix of disks, interfaces, PCI hostdevs,
 * serials, controllers and RNGs, each with its own PCI address (all distinct,
 * hostdev sources distinct too, as libvirt requires).
 */
export function generateDomain(n) {
  // by family, in the order libvirt writes them
  const fam = { disk: [], controller: [], interface: [], serial: [], hostdev: [], rng: [] };
  for (let i = 0; i < n; i++) {
    const bus = 1 + Math.floor(i / 32);
    const slot = i % 32;
    const addr = `<address type='pci' domain='0x${hex(Math.floor(i / 8192), 4)}' bus='0x${hex(bus % 256, 2)}' slot='0x${hex(slot, 2)}' function='0x0'/>`;
    const hb = Math.floor(i / 256);
    switch (i % 6) {
      case 0:
        fam.disk.push(`    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/var/lib/libvirt/images/d${i}.qcow2'/>
      <target dev='${diskName(i)}' bus='virtio'/>
      ${addr}
    </disk>`);
        break;
      case 1:
        fam.interface.push(`    <interface type='network'>
      <mac address='52:54:00:${hex((i >> 16) & 255, 2)}:${hex((i >> 8) & 255, 2)}:${hex(i & 255, 2)}'/>
      <source network='default'/>
      <model type='virtio'/>
      ${addr}
    </interface>`);
        break;
      case 2:
        fam.hostdev.push(`    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio'/>
      <source>
        <address domain='0x${hex(1 + (hb >> 8), 4)}' bus='0x${hex(hb & 255, 2)}' slot='0x${hex(Math.floor(i / 8) % 32, 2)}' function='0x${i % 8}'/>
      </source>
      ${addr}
    </hostdev>`);
        break;
      case 3:
        fam.serial.push(`    <serial type='pty'>
      <target type='isa-serial' port='${i}'>
        <model name='isa-serial'/>
      </target>
    </serial>`);
        break;
      case 4:
        fam.controller.push(`    <controller type='pci' index='${i}' model='pcie-root-port'>
      <model name='pcie-root-port'/>
      <target chassis='${i % 256}' port='0x${(i % 256).toString(16)}'/>
      ${addr}
    </controller>`);
        break;
      default:
        fam.rng.push(`    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
      ${addr}
    </rng>`);
    }
  }
  return `<domain type='kvm'>
  <name>scale-${n}</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>4194304</memory>
  <vcpu placement='static'>4</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
${Object.values(fam).flat().join('\n')}
  </devices>
</domain>
`;
}
