/**
 * virNetworkUpdate (updateNetwork) on libvirt's networkxml2xmlupdatetest.c
 * cases: a network from networkxml2xmlin, a snippet from
 * networkxml2xmlupdatein, the result compared byte for byte with
 * networkxml2xmlupdateout. The corpus keeps `nat-network.xml` out of
 * networkxml2xmlin; its formatted form is networkxml2xmlupdateout/nat-network.xml
 * (the result of deleting the SRV record again), which stands in for it.
 * Cases whose files this copy lacks are skipped; the semantics are also
 * checked on our own fixtures below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNetworkXml, parseNetworkXml } from '../src/network/index.js';
import { updateNetwork, type NetworkUpdateCommand, type NetworkUpdateSection } from '../src/network/update.js';
import { VirtXmlError } from '../src/xml/errors.js';
import cases from '../conformance/network-update-cases.json';

const CORPUS = process.env.VIRTXML_CORPUS ?? fileURLToPath(new URL('../../shared/libvirt-corpus', import.meta.url));
const T = `${CORPUS}/tests`;
const present = existsSync(`${T}/networkxml2xmlupdatein`);
if (!present) console.log(`network update corpus not found at ${CORPUS}: skipping`);

function networkFile(name: string): string | undefined {
  for (const p of [`${T}/networkxml2xmlin/${name}.xml`, `${T}/networkxml2xmlupdateout/${name}.xml`]) if (existsSync(p)) return readFileSync(p, 'utf8');
  return undefined;
}
const snippet = (name: string) => (existsSync(`${T}/networkxml2xmlupdatein/${name}.xml`) ? readFileSync(`${T}/networkxml2xmlupdatein/${name}.xml`, 'utf8') : undefined);
const expected = (name: string) => (existsSync(`${T}/networkxml2xmlupdateout/${name}.xml`) ? readFileSync(`${T}/networkxml2xmlupdateout/${name}.xml`, 'utf8') : undefined);

/**
 * libvirt 10.7's networkxml2xmlupdatetest.c cases, in its order (shared with
 * conformance/network.mjs): `out` names the expected output file, `error`
 * the message libvirt reports.
 */
interface Case {
  test: string;
  section: NetworkUpdateSection;
  command: NetworkUpdateCommand;
  update: string;
  net: string;
  index?: number;
  out?: string;
  error?: string;
}
const UPDATE_CASES = cases as Case[];

function run(c: Case): string {
  const net = parseNetworkXml(networkFile(c.net)!);
  return formatNetworkXml(updateNetwork(net, c.command, c.section, snippet(c.update)!, { parentIndex: c.index ?? -1 }), { libvirt: '10.7' /* the corpus's release */ });
}

const runnable = (c: Case) => networkFile(c.net) !== undefined && snippet(c.update) !== undefined && (c.out === undefined || expected(c.out) !== undefined);

describe.skipIf(!present)("libvirt's networkxml2xmlupdate cases", () => {
  it('has cases to run', () => {
    expect(UPDATE_CASES.filter(runnable).length).toBeGreaterThan(35);
  });

  it.each(UPDATE_CASES.filter(runnable).map((c) => [c.test, c] as const))('%s', (_name, c) => {
    if (c.out !== undefined) {
      expect(run(c)).toBe(expected(c.out));
    } else {
      let err: unknown;
      try {
        run(c);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VirtXmlError);
      expect((err as VirtXmlError).detail).toBe(c.error);
    }
  });
});

describe('updateNetwork', () => {
  const NET = `<network>
  <name>lab</name>
  <forward mode='bridge'>
    <interface dev='eth0' connections='2'/>
    <interface dev='eth1'/>
  </forward>
  <portgroup name='a' default='yes'/>
</network>
`;

  it('leaves the original untouched', () => {
    const def = parseNetworkXml(NET);
    const before = formatNetworkXml(def);
    const next = updateNetwork(def, 'add-last', 'portgroup', `<portgroup name='b'/>`);
    expect(formatNetworkXml(def)).toBe(before);
    expect(next.portgroups?.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('refuses a second default portgroup and sections libvirt cannot update', () => {
    const def = parseNetworkXml(NET);
    expect(() => updateNetwork(def, 'add-first', 'portgroup', `<portgroup name='b' default='yes'/>`)).toThrow(
      "a different portgroup entry in network 'lab' is already set as the default. Only one default is allowed.",
    );
    expect(() => updateNetwork(def, 'modify', 'bridge', `<bridge name='x'/>`)).toThrow("can't update 'bridge' section of network 'lab'");
    expect(() => updateNetwork(def, 'add-last', 'portgroup', `<interface dev='x'/>`)).toThrow(
      "unexpected element <interface>, expecting <portgroup>, while updating network 'lab'",
    );
  });

  it('refuses to delete a forward interface in use, and to modify one', () => {
    const def = parseNetworkXml(NET);
    expect(() => updateNetwork(def, 'delete', 'forward-interface', `<interface dev='eth0'/>`)).toThrow(
      "unable to delete interface 'eth0' in network 'lab'. It is currently being used  by 2 domains.",
    );
    expect(() => updateNetwork(def, 'modify', 'forward-interface', `<interface dev='eth1'/>`)).toThrow(
      'forward interface entries cannot be modified, only added or deleted',
    );
    expect(updateNetwork(def, 'delete', 'forward-interface', `<interface dev='eth1'/>`).forward?.interfaces?.map((i) => i.dev)).toEqual(['eth0']);
  });

  it('keeps DHCP on one address per family', () => {
    const def = parseNetworkXml(`<network><name>two</name><ip address='10.0.0.1' prefix='24'><dhcp><range start='10.0.0.2' end='10.0.0.9'/></dhcp></ip><ip address='10.1.0.1' prefix='24'/></network>`);
    expect(() => updateNetwork(def, 'add-last', 'ip-dhcp-range', `<range start='10.1.0.2' end='10.1.0.9'/>`, { parentIndex: 1 })).toThrow(
      'dhcp is supported only for a single IPv4 address on each network',
    );
    expect(() => updateNetwork(def, 'add-last', 'ip-dhcp-range', `<range start='10.0.0.0' end='10.0.0.9'/>`)).toThrow(
      'start of range 10.0.0.0 - 10.0.0.9 in network 10.0.0.1/24 is the network address',
    );
    expect(() => updateNetwork(def, 'add-last', 'ip-dhcp-range', `<range start='10.0.0.20' end='10.0.0.255'/>`)).toThrow(
      'end of range 10.0.0.20 - 10.0.0.255 in network 10.0.0.1/24 is the broadcast address',
    );
    expect(() => updateNetwork(def, 'modify', 'ip-dhcp-range', `<range start='10.0.0.2' end='10.0.0.9'/>`)).toThrow(
      'dhcp ranges cannot be modified, only added or deleted',
    );
    expect(() => updateNetwork(def, 'add-last', 'ip-dhcp-host', `<host name='x' ip='10.0.0.3'/>`, { parentIndex: 5 })).toThrow(
      "couldn't update dhcp host entry - no <ip> element found at index 5 in network 'two'",
    );
  });
});
