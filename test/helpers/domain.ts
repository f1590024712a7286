/** A small KVM domain around some devices (lines at four spaces), with optional top-level lines after `<memory>`. */
export function minimalDomain(devices: string, head = '', machine = 'q35'): string {
  return `<domain type='kvm'>
  <name>vm</name>
  <memory unit='KiB'>1048576</memory>${head}
  <os>
    <type arch='x86_64' machine='${machine}'>hvm</type>
  </os>
  <devices>
${devices}
  </devices>
</domain>
`;
}
