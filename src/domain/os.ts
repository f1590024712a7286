/**
 * `<os>`: guest OS booting (BIOS/UEFI firmware, direct kernel boot, boot
 * order, container init), in the order `virDomainDefFormatInternal` writes
 * its children: type, firmware, init*, loader, nvram, kernel, initrd,
 * cmdline, dtb, root, acpi, boot, bootmenu, bios, smbios.
 */
import { attr, child, element, list, tag, text, union, value, type CheckFailure, type Infer } from '../xml/decl.js';
import { int, literal, oneOf, pattern, str, uint, yesNo } from '../xml/values.js';
import { storageSources, type StorageType } from './devices/disk-source.js';

/** libvirt's architecture names (`virArch`, basictypes.rng `archnames`). */
export const archName = oneOf(
  'aarch64', 'alpha', 'armv6l', 'armv7l', 'cris', 'i686', 'ia64', 'lm32', 'loongarch64', 'm68k',
  'microblaze', 'microblazeel', 'mips', 'mipsel', 'mips64', 'mips64el', 'openrisc', 'parisc', 'parisc64',
  'ppc', 'ppc64', 'ppc64le', 'ppcemb', 'riscv32', 'riscv64', 's390', 's390x', 'sh4', 'sh4eb',
  'sparc', 'sparc64', 'unicore32', 'x86_64', 'xtensa', 'xtensaeb',
);

export const osType = element('type', {
  arch: attr(archName),
  machine: attr(str),
  value: text(oneOf('hvm', 'linux', 'xen', 'xenpvh', 'exe'), { required: true }),
});

export const osFirmwareFeature = element('feature', {
  enabled: attr(yesNo, { required: true }),
  name: attr(oneOf('enrolled-keys', 'secure-boot'), { required: true }),
});

/** `<firmware>`: features the auto-selected firmware must (not) have. */
export const osFirmware = element('firmware', { features: list(osFirmwareFeature) });

const pflashFormat = oneOf('raw', 'qcow2');

export const loader = element(
  'loader',
  {
    readonly: attr(yesNo),
    secure: attr(yesNo),
    type: attr(oneOf('rom', 'pflash')),
    stateless: attr(yesNo),
    format: attr(pflashFormat),
    path: text(str),
  },
  { doc: 'Firmware image' },
);
export type Loader = Infer<typeof loader>;

/**
 * Drops the blanks between child elements read as the text of an element
 * that holds either text or children (`<nvram>` with a `<source>`).
 */
function dropBlankText(key: string) {
  return (v: Record<string, unknown>): CheckFailure | undefined => {
    const t = v[key];
    if (typeof t === 'string' && /^[ \t\r\n]*$/.test(t) && t !== '') delete v[key];
    return undefined;
  };
}

const nvramTemplate = attr(str, { doc: 'Firmware variables template copied to a new store' });
const nvramFormat = attr(pflashFormat);
const nvramTemplateFormat = attr(pflashFormat, { doc: 'Format of the template' });
const nvramPath = text(str, { doc: 'Store path (old style, without type)' });

/**
 * One storage type of `<nvram>`: `type` then its `<source>` as a disk's
 * (`virDomainLoaderDefFormat`: template, type, format).
 */
function nvramCase<const T extends StorageType>(type: T) {
  return element(
    'nvram',
    { template: nvramTemplate, templateFormat: nvramTemplateFormat, type: tag(literal(type)), format: nvramFormat, path: nvramPath, source: child(storageSources[type]) },
    { check: dropBlankText('path') },
  );
}

/**
 * `<nvram>`: the UEFI variable store, a union on `type` (a storage source
 * like a disk's). Without `type` it is the old style: a path as text, read
 * as the `file` case with `type` left out.
 */
export const nvram = union(
  'nvram',
  'type',
  {
    file: element(
      'nvram',
      {
        template: nvramTemplate,
        templateFormat: nvramTemplateFormat,
        // absent in the old style (<nvram>/path</nvram>), which libvirt writes back as it was
        type: { ...tag(literal('file')), required: false as const },
        format: nvramFormat,
        path: nvramPath,
        source: child(storageSources.file),
      },
      { check: dropBlankText('path') },
    ),
    block: nvramCase('block'),
    dir: nvramCase('dir'),
    network: nvramCase('network'),
    volume: nvramCase('volume'),
    nvme: nvramCase('nvme'),
    vhostuser: nvramCase('vhostuser'),
    vhostvdpa: nvramCase('vhostvdpa'),
  },
  { defaultCase: 'file', unknownMessage: "unknown storage source type '%s'", doc: 'UEFI variable store' },
);
export type Nvram = Infer<typeof nvram>;

/** `<varstore>`: the firmware's variable store as a JSON file (firmware that keeps its variables outside of pflash). */
export const varstore = element('varstore', {
  template: attr(str),
  path: attr(str),
});

export const osBoot = element('boot', {
  dev: attr(oneOf('hd', 'fd', 'cdrom', 'network'), { required: true }),
});

export const bootmenu = element('bootmenu', {
  enable: attr(yesNo, { required: true, missing: 'ignore-element' }),
  timeout: attr(uint({ max: 0xffff })),
});

export const osBios = element('bios', {
  useserial: attr(yesNo),
  rebootTimeout: attr(int({ min: -1, max: 0xffff })),
});

export const osSmbios = element('smbios', {
  mode: attr(oneOf('emulate', 'host', 'sysinfo'), { required: true, missing: 'ignore-element' }),
});

// an empty <table> is kept and written as a pair (libvirt 12.9)
export const acpiTable = element(
  'table',
  {
    type: attr(oneOf('slic', 'msdm', 'raw', 'rawset'), { required: true }),
    path: text(str, { required: true }),
  },
  { emptyText: 'kept' },
);

export const initenv = element('initenv', {
  name: attr(pattern('initenvName', /^[a-zA-Z_]+[a-zA-Z0-9_]*$/), { required: true }),
  value: text(str),
});

export const os = element(
  'os',
  {
    firmware: attr(oneOf('bios', 'efi'), { doc: 'Let libvirt pick a firmware of this kind' }),
    type: child(osType),
    firmwareFeatures: child(osFirmware),
    init: value('init', str),
    initargs: list(element('initarg', { value: text(str) })),
    initenvs: list(initenv),
    initdir: value('initdir', str),
    inituser: value('inituser', str),
    initgroup: value('initgroup', str),
    loader: child(loader),
    nvram: child(nvram),
    varstore: child(varstore),
    kernel: value('kernel', str),
    initrd: value('initrd', str),
    cmdline: value('cmdline', str),
    shim: value('shim', str, { doc: 'Secure Boot shim loaded before the kernel (direct kernel boot)' }),
    dtb: value('dtb', str),
    root: value('root', str),
    acpi: child(element('acpi', { tables: list(acpiTable) })),
    boots: list(osBoot),
    bootmenu: child(bootmenu),
    bios: child(osBios),
    smbios: child(osSmbios),
  },
  { doc: 'Guest OS booting' },
);
export type OsDef = Infer<typeof os>;
