/**
 * Which libvirt release introduced a name or value of the schemas (derived by
 * scripts/gen-rng.mjs from the differences between releases' schemas), and
 * the diagnostic for a name newer than the validation target.
 */
import { LIBVIRT_RELEASES, compareReleases, type LibvirtRelease } from './releases.js';
import { SINCE } from './since.generated.js';

export type GrammarKind = keyof typeof SINCE;

/**
 * The first release whose schemas have `key` (`parent>element`,
 * `parent>element@attribute`, `…=value`), or undefined when the oldest
 * release already has it or no release does. A device snippet's root has an
 * empty parent: it is looked up under `<devices>`.
 */
export function sinceOf(kind: GrammarKind, key: string): LibvirtRelease | undefined {
  const table = SINCE[kind];
  return Object.hasOwn(table, key) ? table[key] : key.startsWith('>') && kind === 'domain' ? sinceOf(kind, 'devices' + key) : undefined;
}

/** How a key reads in a message: `iommufd`, `model='amd'`, `<iommufd>`. */
function describe(key: string): string {
  const [path = '', value] = key.split('=', 2);
  const at = path.indexOf('@');
  const element = path.slice(path.lastIndexOf('>', at < 0 ? undefined : at) + 1, at < 0 ? undefined : at);
  if (at >= 0) {
    const attribute = path.slice(at + 1);
    return value !== undefined ? `${attribute}='${value}' on <${element}>` : `attribute '${attribute}' of <${element}>`;
  }
  return value !== undefined ? `<${element}>${value}</${element}>` : `<${element}>`;
}

/**
 * When `key` is newer than `target`: the message saying so ("attribute
 * 'iommufd' of <driver> needs libvirt 12.9 or later; the target is 9.0").
 */
export function newerThanTarget(kind: GrammarKind, key: string, target: LibvirtRelease): string | undefined {
  const since = sinceOf(kind, key);
  if (since === undefined || compareReleases(since, target) <= 0) return undefined;
  const before = LIBVIRT_RELEASES[LIBVIRT_RELEASES.indexOf(since) - 1];
  return `${describe(key)} needs libvirt ${since} or later${before && before !== target ? ` (libvirt ${before}'s schemas do not have it)` : ''}; the target is ${target}`;
}
