import { describe, expect, it } from 'vitest';
import { formatNwfilterBindingXml, formatNwfilterXml, parseNwfilterBindingXml, parseNwfilterXml } from '../src/nwfilter/index.js';
import { formatXml, parseXml } from '../src/kinds.js';
import { VirtXmlError } from '../src/xml/errors.js';

const UUID = '01a992d2-f8c8-7c27-f69b-ab0a9d377379';

describe('<filter>', () => {
  it("keeps rules and filterrefs in document order, in libvirt's form (answers of libvirt 12.9)", () => {
    const xml = `<filter name='t' chain='arp-x'><uuid>${UUID}</uuid>
<rule action='accept' direction='in' statematch='true'><tcp match='yes' flags='PSH/' state='new,established'/></rule>
<filterref filter='x'><parameter name='B' value='2'/><parameter name='A' value='1'/></filterref>
<rule action='accept' direction='in' priority='-1' statematch='0'><mac match='no'/></rule>
<rule action='accept' direction='in'><arp opcode='2' protocoltype='0X0800' hwtype='0010'/></rule>
<rule action='accept' direction='in'><ipv6 srcipaddr='A:B::0:1' srcipmask='ffff::'/></rule>
<rule action='accept' direction='in'><all ipsetflags='SRC' state='NEW,RELATED'/></rule>
</filter>`;
    const def = parseNwfilterXml(xml);
    expect(def.entries?.map((e) => ('action' in e ? 'rule' : 'filterref'))).toEqual(['rule', 'filterref', 'rule', 'rule', 'rule', 'rule']);
    expect(formatNwfilterXml(def)).toBe(`<filter name='t' chain='arp-x' priority='-500'>
  <uuid>${UUID}</uuid>
  <rule action='accept' direction='in' priority='500'>
    <tcp state='NEW,ESTABLISHED' flags='PSH/NONE'/>
  </rule>
  <filterref filter='x'>
    <parameter name='A' value='1'/>
    <parameter name='B' value='2'/>
  </filterref>
  <rule action='accept' direction='in' priority='-1' statematch='false'>
    <mac/>
  </rule>
  <rule action='accept' direction='in' priority='500'>
    <arp hwtype='10' protocoltype='0x800' opcode='Reply'/>
  </rule>
  <rule action='accept' direction='in' priority='500'>
    <ipv6 srcipaddr='a:b::1' srcipmask='16'/>
  </rule>
  <rule action='accept' direction='in' priority='500'>
    <all state='NEW,RELATED' ipsetflags='src'/>
  </rule>
</filter>
`);
  });

  it('normalises variables, MACs and masks as libvirt does', () => {
    const def = parseNwfilterXml(`<filter name='t'><rule action='accept' direction='out'><tcp srcipaddr='$A[ 1 ] ' srcportstart='$B[  @0 ] ' srcmacaddr='1:2:3:4:5:6' dstipaddr='10.1.2.3' dstipmask='255.255.255.0' dscp='0x0A'/></rule></filter>`);
    expect(formatNwfilterXml(def)).toContain("<tcp srcmacaddr='01:02:03:04:05:06' srcipaddr='$A[1]' dstipaddr='10.1.2.3' dstipmask='24' dscp='0xa' srcportstart='$B'/>");
  });

  it('refuses values outside the datatype, with a place', () => {
    const e = (() => {
      try {
        parseNwfilterXml(`<filter name='t'>\n<rule action='accept' direction='out'><ip dscp='64'/></rule></filter>`);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(VirtXmlError);
    expect((e as VirtXmlError).line).toBe(2);
    expect((e as VirtXmlError).path).toBe('/filter/rule/ip/@dscp');
    expect(() => parseNwfilterXml(`<filter name='t'><rule direction='in'><all/></rule></filter>`)).toThrow(/action/);
  });

  it('keeps what it does not model: unknown elements and attributes, a repeated protocol element', () => {
    const xml = `<filter name='t' chain='root' zz='1'>
  <rule action='accept' direction='in' priority='100'>
    <tcp comment='comment'/>
    <tcp match='no' srcipaddr='10.1.2.3' srcipmask='32'/>
  </rule>
  <frob/>
</filter>
`;
    expect(formatNwfilterXml(parseNwfilterXml(xml))).toBe(xml);
  });

  it('is a kind of the registry', () => {
    const doc = parseXml(`<filter name='t'/>`);
    expect(doc.kind).toBe('nwfilter');
    expect(formatXml(doc)).toBe(`<filter name='t' chain='root'/>\n`);
  });
});

describe('<filterbinding>', () => {
  it("writes libvirt's order, parameters sorted by name (asked of libvirt 12.9)", () => {
    const def = parseNwfilterBindingXml(`<filterbinding>
  <owner><uuid>D54DF46F1ab54a2286184560ef5fac2c</uuid><name>x&amp;y</name></owner>
  <backend name='ebiptables'/><mac address='52:54:0:7B:35:93'/><linkdev name='eth0'/><portdev name='vnet0'/>
  <filterref filter='clean-traffic'><parameter name='b' value='1'/><parameter name='a' value='2'/><parameter name='b' value='0'/></filterref>
</filterbinding>`);
    expect(formatNwfilterBindingXml(def)).toBe(`<filterbinding>
  <owner>
    <name>x&amp;y</name>
    <uuid>d54df46f-1ab5-4a22-8618-4560ef5fac2c</uuid>
  </owner>
  <portdev name='vnet0'/>
  <linkdev name='eth0'/>
  <mac address='52:54:00:7b:35:93'/>
  <filterref filter='clean-traffic'>
    <parameter name='a' value='2'/>
    <parameter name='b' value='1'/>
    <parameter name='b' value='0'/>
  </filterref>
  <backend name='ebiptables'/>
</filterbinding>
`);
  });

  it('refuses a binding without port device or owner uuid', () => {
    expect(() => parseNwfilterBindingXml(`<filterbinding><owner><name>x</name><uuid>${UUID}</uuid></owner><mac address='52:54:00:7b:35:93'/><filterref filter='x'/></filterbinding>`)).toThrow(/portdev/);
    expect(() => parseNwfilterBindingXml(`<filterbinding><owner><name>x</name></owner><portdev name='v'/><mac address='52:54:00:7b:35:93'/><filterref filter='x'/></filterbinding>`)).toThrow(/uuid/);
  });
});
