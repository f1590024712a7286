import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderElementDocs } from '../scripts/gen-element-docs.js';

const dir = join(import.meta.dirname, '..', 'docs', 'reference');

describe('docs/reference (generated from the declarations)', () => {
  const files = renderElementDocs();

  it('is in sync: regenerating gives the committed bytes (run npm run docs:reference)', () => {
    expect(Object.keys(files).sort()).toEqual(['capabilities.md', 'domain.md', 'domainCapabilities.md', 'domainbackup.md', 'domaincheckpoint.md', 'domainsnapshot.md', 'network.md', 'networkport.md', 'nodedev.md', 'pool.md', 'secret.md', 'storagepoolCapabilities.md', 'volume.md']);
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(dir, name), 'utf8') === text, name).toBe(true);
  });

  it('documents the paths people look up, with types, TS fields and libvirt links', () => {
    const d = files['domain.md']!;
    expect(d).toContain("### /domain/devices/hostdev[@type='pci']/source/address");
    expect(d).toMatch(/\| `@group` \| `auto` \| `groupMgmt` \| optional \| \*\*virtxml extension\*\*/);
    expect(d).toContain('https://libvirt.org/formatdomain.html#host-device-assignment');
    expect(d).toContain('TS: `DomainDef.devices.disks[].target`');
    const n = files['network.md']!;
    expect(n).toContain('### /network/forward/pf');
    expect(n).toContain('| `@mode` | `nat` \\| `route` \\| `open` \\| `bridge` \\| `passthrough` \\| `private` \\| `vepa` \\| `hostdev` | `mode` | default `nat`');
    expect(files['networkport.md']).toContain("### /networkport/plug[@type='hostdev-pci']");
  });

  it('every in-page link points at an anchor of the page, every link to another page at one of that page', () => {
    const ids = (text: string) => new Set([...text.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const [name, text] of Object.entries(files)) {
      const links = [...text.matchAll(/\]\(([a-zA-Z]*\.md)?#([^)]+)\)/g)].map((m) => [m[1] ?? name, m[2]!] as const);
      expect(links.length, name).toBeGreaterThan(2);
      for (const [page, l] of links) expect(ids(files[page] ?? '').has(l), `${name}: ${page}#${l}`).toBe(true);
      // and every section but the page's root is linked from the page
      const own = ids(text);
      const targets = new Set(links.filter(([page]) => page === name).map(([, l]) => l));
      for (const id of [...own].slice(1)) expect(targets.has(id!), `${name}: no link to #${id}`).toBe(true);
    }
  });
});
