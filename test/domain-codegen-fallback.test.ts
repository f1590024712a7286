/**
 * The parser and formatter without generated code (as on a page whose
 * Content-Security-Policy forbids `new Function`): the plain loops give the
 * same defs and the same bytes. This file turns code generation off before
 * any declaration is used (vitest runs each test file in its own module graph).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCodegen } from '../src/xml/codec.js';

useCodegen(false);
const { formatDomainXml, parseDomainXml, domain } = await import('../src/model.js');
const { compile } = await import('../src/xml/decl.js');

const DIR = join(process.env.VIRTXML_CORPUS ?? join(__dirname, '..', '..', 'shared', 'libvirt-corpus'), 'tests', 'qemuxmlconfdata');

describe('without generated code', () => {
  it('keeps extensions out when asked, and values in declaration order', () => {
    const xml = `<domain type='kvm'>
  <name>t</name>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <driver name='vfio' group='auto'/>
      <source>
        <address domain='0x0000' bus='0x06' slot='0x12' function='0x2'/>
      </source>
    </hostdev>
  </devices>
</domain>
`;
    const def = parseDomainXml(xml);
    expect(Object.keys(def)).toEqual(['type', 'name', 'devices']);
    expect(formatDomainXml(def)).toBe(xml);
    expect(formatDomainXml(def, { stripExtensions: true })).toBe(xml.replace(" group='auto'", ''));
    // the plain paths were the ones used (generated functions are named 'anonymous' / 'head')
    expect(compile(domain).build?.name).toBe('b');
    expect(compile(domain).head?.name).toBe('w');
  });

  it.skipIf(!existsSync(DIR))("writes libvirt's formatted outputs byte for byte (the corpus is libvirt 10.7's)", () => {
    const names = readdirSync(DIR).filter((n) => /-latest\.xml$/.test(n));
    let same = 0;
    for (const n of names) {
      const text = readFileSync(join(DIR, n), 'utf8');
      if (formatDomainXml(parseDomainXml(text), { libvirt: '10.7' }) === text) same++;
    }
    expect(same).toBe(names.length);
  });
});
