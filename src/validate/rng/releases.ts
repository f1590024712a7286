/**
 * The libvirt releases whose RelaxNG verdict virtxml reproduces (their schemas
 * compiled by scripts/gen-rng.mjs; the list is scripts/libvirt-releases.json,
 * extended by `npm run update-libvirt -- VERSION`). The last one is the
 * default target.
 */
import { LIBVIRT_RELEASES } from './releases.generated.js';

export { LIBVIRT_RELEASES };

export type LibvirtRelease = (typeof LIBVIRT_RELEASES)[number];

/** The newest release: the model's, and validation's default target. */
export const LATEST_LIBVIRT: LibvirtRelease = LIBVIRT_RELEASES[LIBVIRT_RELEASES.length - 1]!;

export function isLibvirtRelease(s: string): s is LibvirtRelease {
  return LIBVIRT_RELEASES.some((r) => r === s);
}

/** Orders two releases (negative when `a` is older). */
export function compareReleases(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}
