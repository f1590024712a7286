/**
 * The JSON Schemas in schemas/ (draft 2020-12): in sync with the declarations,
 * compiled by ajv in strict mode, satisfied by every def parsed from the
 * libvirt corpus, and refusing broken defs at the right place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { corpusFiles, CORPUS, HAVE_CORPUS } from '../conformance/corpus.js';
import { parseDomainXml, type DomainDef } from '../src/domain/index.js';
import { parseNetworkPortXml, parseNetworkXml } from '../src/network/index.js';
import { checkDef, checkDomainDef, checkNetworkDef, checkNetworkPortDef, defJsonSchema, pointerToElementPath, schemaFileText, schemaFiles } from '../src/validate/defs.js';
import { element, attr, child, list, union, tag, lazy, type ElementDecl } from '../src/xml/decl.js';
import { toJsonSchema } from '../src/xml/jsonschema.js';
import { literal, str, uint } from '../src/xml/values.js';
import { KINDS as REGISTRY, type Kind } from '../src/kinds.js';

const ROOT = join(__dirname, '..');
const FILES = schemaFiles();
const KINDS = FILES.map((f) => f.kind);
const fileOf = (kind: Kind) => FILES.find((f) => f.kind === kind)!.file;
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'validate', name), 'utf8');
const domainOk = (): DomainDef => parseDomainXml(fixture('domain-ok.xml'));

describe('schemas/*.schema.json', () => {
  it.each(KINDS)('%s: the committed file is what the declarations give (npm run gen:schemas)', (kind) => {
    const committed = readFileSync(join(ROOT, fileOf(kind)), 'utf8');
    expect(committed === schemaFileText(kind), `${fileOf(kind)} is stale: run npm run gen:schemas`).toBe(true);
  });

  it.each(KINDS)('%s: draft 2020-12 with $id, a $ref to its root and $defs; ajv compiles it in strict mode', (kind) => {
    const s = defJsonSchema(kind);
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.$id).toBe(`https://virtxml.dev/schemas/${kind}.schema.json`);
    const defs = s.$defs as Record<string, Record<string, unknown>>;
    const top = defs[String(s.$ref).replace('#/$defs/', '')]!;
    expect(top.type).toBe('object');
    // a root element, or a tagged union of them (a backup job's push and pull modes)
    const roots = Array.isArray(top.oneOf) ? (top.oneOf as Array<{ $ref: string }>).map((r) => defs[r.$ref.replace('#/$defs/', '')]!) : [top];
    for (const r of roots) expect(r.additionalProperties).toBe(false);
    expect(() => new Ajv2020({ strict: true, discriminator: true }).compile(s)).not.toThrow();
    // validators that do not know the OpenAPI discriminator keyword read it as an annotation
    expect(() => new Ajv2020({ strict: false }).compile(defJsonSchema(kind))).not.toThrow();
    // every $ref resolves
    const refs = JSON.stringify(s).match(/"#\/\$defs\/[^"]+"/g) ?? [];
    for (const r of new Set(refs)) expect(defs[r.slice(9, -1)], r).toBeDefined();
  });

  it('matches the TypeScript type: defaulted attributes are required, extensions noted, unions tagged', () => {
    const s = defJsonSchema('domain');
    const defs = s.$defs as Record<string, Record<string, any>>;
    const top = defs.domain!;
    expect(top.required).toEqual(expect.arrayContaining(['type', 'name']));
    expect(top.properties.$extra).toEqual({ $ref: '#/$defs/extra' });
    const hostdevRef = top.properties.devices.$ref.replace('#/$defs/', '');
    const hostdevs = defs[defs[hostdevRef]!.properties.hostdevs.items.$ref.replace('#/$defs/', '')]!;
    expect(hostdevs.discriminator).toEqual({ propertyName: 'type' });
    expect(hostdevs.required).toEqual(['type']);
    expect(hostdevs.properties.type.enum).toEqual(['pci', 'usb', 'scsi', 'scsi_host', 'mdev', 'storage', 'misc', 'net']);
    expect(hostdevs.oneOf).toHaveLength(8);
    const pci = defs[hostdevs.oneOf[0].$ref.replace('#/$defs/', '')]!;
    expect(pci.properties.type).toEqual({ const: 'pci' });
    const driver = defs[pci.properties.driver.$ref.replace('#/$defs/', '')]!;
    expect(driver.properties.groupMgmt).toMatchObject({ const: 'auto', $comment: "virtxml extension 'virtxml' (not in upstream libvirt)" });
    // the port type narrows Infer<>: uuid, owner and mac are always there, no 'none' plug
    const port = defJsonSchema('networkport');
    const pdefs = port.$defs as Record<string, Record<string, any>>;
    expect(pdefs.networkport!.required).toEqual(expect.arrayContaining(['uuid', 'owner', 'mac']));
    expect(JSON.stringify(port)).not.toContain('"none"');
  });

  it('merges identical declarations, keeps recursion as a $ref cycle, and types the untagged default case', () => {
    interface Chain {
      name?: string;
      next?: Chain;
    }
    const a1 = element('addr', { bus: attr(uint(), { required: true }) });
    const a2 = element('addr', { bus: attr(uint(), { required: true }) });
    const node: ElementDecl = element('chain', { name: attr(str), next: child(lazy<Chain>('chain', () => node)), x: child(a1), y: child(a2) });
    const s = toJsonSchema(node, 'urn:test:chain', 'chain');
    const defs = s.$defs as Record<string, Record<string, any>>;
    expect(defs.chain!.properties.next).toEqual({ $ref: '#/$defs/chain' });
    expect(defs.chain!.properties.x).toEqual(defs.chain!.properties.y);
    const store = union('store', 'type', { file: element('store', { type: tag(literal('file')), path: attr(str) }), none: element('store', { type: tag(literal('none')) }) }, { defaultCase: 'none' });
    const v = new Ajv2020({ strict: true, discriminator: true }).compile(toJsonSchema(element('disk', { stores: list(store) }), 'urn:test:disk', 'disk'));
    expect(v({ stores: [{ type: 'file', path: '/a' }, {}, { type: 'none' }] })).toBe(true);
    expect(v({ stores: [{ path: '/a' }] })).toBe(false); // the untagged case is 'none', which has no path
    expect(v({ stores: [{ type: 'nfs' }] })).toBe(false);
  });
});

describe.skipIf(!HAVE_CORPUS)(`every def parsed from the libvirt corpus (${CORPUS}) satisfies its schema`, () => {
  const sets: Array<[Kind, string[], (xml: string) => unknown, number]> = [
    // strict: the files libvirt's parser accepts (a word it does not know is kept by default, and the schema lists the known ones)
    ['domain', ['qemuxmlconfdata'], (x) => parseDomainXml(x, { strict: true }), 1900],
    ['network', ['networkxml2xmlin', 'networkxml2xmlout'], (x) => parseNetworkXml(x, { strict: true }), 70],
    ['networkport', ['virnetworkportxml2xmldata'], (x) => parseNetworkPortXml(x, { strict: true }), 9],
  ];
  it.each(sets)('%s', (kind, dirs, parse, floor) => {
    let parsed = 0;
    const failures: Record<string, unknown> = {};
    for (const dir of dirs) {
      for (const f of corpusFiles(dir)) {
        let def: unknown;
        try {
          def = parse(f.text);
        } catch {
          continue; // files libvirt (or the parser) rejects: their verdict is the conformance run's business
        }
        parsed++;
        const d = checkDef(kind, def);
        if (d.length) failures[`${dir}/${f.name}`] = d.slice(0, 3);
        // and the JSON text of the def (what convert --to json prints) too
        else if (checkDef(kind, JSON.parse(JSON.stringify(def))).length) failures[`${dir}/${f.name} (JSON)`] = 'JSON copy refused';
      }
    }
    expect(failures).toEqual({});
    expect(parsed).toBeGreaterThanOrEqual(floor);
  });
});

describe('broken defs are refused at the right place', () => {
  const one = (diags: ReturnType<typeof checkDomainDef>) => {
    expect(diags).toHaveLength(1);
    return diags[0]!;
  };

  it('a parsed def is valid; so is one built in code', () => {
    expect(checkDomainDef(domainOk())).toEqual([]);
    expect(checkNetworkDef({ name: 'n1', forward: { mode: 'nat' } })).toEqual([]);
  });

  it('a misspelt enumeration value', () => {
    const d = domainOk();
    (d.devices!.hostdevs![0] as { driver: { name: string } }).driver.name = 'vfoi';
    expect(one(checkDomainDef(d))).toEqual({
      severity: 'error',
      code: 'json-schema-enum',
      message: '"vfoi" is not one of "kvm", "vfio", "xen"',
      line: 0,
      column: 0,
      path: '/domain/devices/hostdev/driver/@name',
      pointer: '/devices/hostdevs/0/driver/name',
      source: 'json-schema',
    });
  });

  it('the extension attribute with a value it does not have, on the second of two hostdevs', () => {
    const d = domainOk();
    const h = d.devices!.hostdevs!;
    h.push(structuredClone(h[0]!));
    (h[1] as { driver: { groupMgmt: string } }).driver.groupMgmt = 'manual';
    const e = one(checkDomainDef(d));
    expect([e.code, e.pointer, e.path, e.message]).toEqual(['json-schema-const', '/devices/hostdevs/1/driver/groupMgmt', '/domain/devices/hostdev[2]/driver/@group', '"manual" must be "auto"']);
  });

  it('a wrong type', () => {
    const d = domainOk();
    (d.vcpu as { count: unknown }).count = '2';
    const e = one(checkDomainDef(d));
    expect([e.code, e.pointer, e.path, e.message]).toEqual(['json-schema-type', '/vcpu/count', '/domain/vcpu/text()', 'must be integer, not string']);
  });

  it('an unknown property (not in $extra)', () => {
    const d = domainOk();
    const disk = d.devices!.disks![0] as Record<string, unknown>;
    disk.cache = 'none';
    const e = one(checkDomainDef(d));
    expect([e.code, e.pointer, e.path]).toEqual(['json-schema-additionalProperties', '/devices/disks/0', '/domain/devices/disk/cache']);
    expect(e.message).toBe("unknown property 'cache' (content the declarations do not know belongs in $extra)");
    // the lossless slot is the place for it
    delete disk.cache;
    disk.$extra = { attrs: [{ name: 'cache', value: 'none' }] };
    expect(checkDomainDef(d)).toEqual([]);
    disk.$extra = { attrs: [{ name: 'cache' }] };
    expect(one(checkDomainDef(d)).pointer).toBe('/devices/disks/0/$extra/attrs/0');
  });

  it('a missing required property', () => {
    const d = domainOk() as Partial<DomainDef>;
    delete d.name;
    const e = one(checkDomainDef(d));
    expect([e.code, e.pointer, e.path, e.message]).toEqual(['json-schema-required', '', '/domain/name', "missing required property 'name'"]);
  });

  it('an unknown union case is reported once, on its discriminator', () => {
    const d = domainOk();
    (d.devices!.hostdevs![0] as { type: string }).type = 'pcie';
    const e = one(checkDomainDef(d));
    expect([e.code, e.pointer, e.path]).toEqual(['json-schema-enum', '/devices/hostdevs/0/type', '/domain/devices/hostdev/@type']);
  });

  it('networks and ports', () => {
    const n = checkNetworkDef({ name: 'n1', forward: { mode: 'natt' } });
    expect(n.map((e) => [e.code, e.pointer, e.path])).toEqual([['json-schema-enum', '/forward/mode', '/network/forward/@mode']]);
    const p = checkNetworkPortDef({ owner: { name: 'vm', uuid: 'd54df46f-1ab5-4a22-8618-4560ef5fac2c' }, mac: { address: '52:54:00:7b:35:93' } });
    expect(p.map((e) => [e.code, e.path])).toEqual([['json-schema-required', '/networkport/uuid']]);
    expect(checkNetworkPortDef({ uuid: '5d744f21-ba4a-4d6e-bdb2-30a35ff3207d', owner: { name: 'vm', uuid: 'd54df46f-1ab5-4a22-8618-4560ef5fac2c' }, mac: { address: '52:54:00:7b:35:93' }, plug: { type: 'none' } }).map((e) => e.path)).toEqual(['/networkport/plug/@type']);
    expect(checkNetworkDef('network')).toEqual([expect.objectContaining({ code: 'json-schema-type', path: '/network', pointer: '' })]);
  });

  it('element paths follow the declarations (lists, unions, renamed attributes)', () => {
    const d = domainOk();
    expect(pointerToElementPath(REGISTRY.domain.decl, d, '/devices/hostdevs/0/source/address/bus')).toBe('/domain/devices/hostdev/source/address/@bus');
    expect(pointerToElementPath(REGISTRY.domain.decl, d, '/devices/hostdevs/0/driver/groupMgmt')).toBe('/domain/devices/hostdev/driver/@group');
    expect(pointerToElementPath(REGISTRY.domain.decl, d, '/devices/hostdevs/0/$extra/attrs/0')).toBe('/domain/devices/hostdev/$extra/attrs/0');
  });
});
