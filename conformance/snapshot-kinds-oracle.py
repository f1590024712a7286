#!/usr/bin/python3
"""snapshot-kinds-oracle.py - libvirt's own reading and writing of snapshots and checkpoints.

Each FILE (a <domainsnapshot> or <domaincheckpoint>) is redefined
(VIR_DOMAIN_*_CREATE_REDEFINE) in libvirt's in-process test driver and
read back (virsh snapshot-dumpxml / checkpoint-dumpxml --security-info).
What a redefinition needs and the file lacks is added first: a name, a
state and a creation time, the parent it names (redefined before it), and
a domain (the test driver's own running `test` domain, unless the file
has a full <domain>, which is then defined, and started for a checkpoint).
Prints one JSON object per line: {"file", "ok", "xml" | "error"}.
Run inside the libvirt 12.9 chroot (../shared/tools/libvirt-chroot.sh run -- python3 ...).
"""
import copy
import json
import sys
import xml.etree.ElementTree as ET

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open('test:///default')
TEST = conn.lookupByName('test')


def text_child(root, name, value, index=0):
    if root.find(name) is None:
        el = ET.Element(name)
        el.text = value
        root.insert(index, el)


def redefine(dom, kind, root):
    xml = ET.tostring(root, encoding='unicode')
    if kind == 'domainsnapshot':
        return dom.snapshotCreateXML(xml, libvirt.VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE)
    return dom.checkpointCreateXML(xml, libvirt.VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE)


def one(path):
    root = ET.parse(path).getroot()
    kind = root.tag
    if kind not in ('domainsnapshot', 'domaincheckpoint'):
        return {'file': path, 'ok': False, 'error': 'not a snapshot or checkpoint'}
    text_child(root, 'name', 'n1')
    if kind == 'domainsnapshot':
        text_child(root, 'state', 'running')
    text_child(root, 'creationTime', '1700000000')
    domel = root.find('domain')
    dom = TEST
    made = []
    try:
        if domel is not None and domel.get('type'):
            dom = conn.defineXML(ET.tostring(domel, encoding='unicode'))
            if kind == 'domaincheckpoint':
                dom.create()
        else:
            if domel is not None:
                root.remove(domel)
            root.append(ET.fromstring(TEST.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)))
        parent = root.find('parent/name')
        if parent is not None and parent.text:
            p = ET.Element(kind)
            for name, value in (('name', parent.text), ('state', 'running'), ('creationTime', '1600000000')):
                if kind == 'domaincheckpoint' and name == 'state':
                    continue
                el = ET.SubElement(p, name)
                el.text = value
            p.append(copy.deepcopy(root.find('domain')))
            made.append(redefine(dom, kind, p))
        m = redefine(dom, kind, root)
        made.append(m)
        flags = libvirt.VIR_DOMAIN_SNAPSHOT_XML_SECURE if kind == 'domainsnapshot' else libvirt.VIR_DOMAIN_CHECKPOINT_XML_SECURE
        return {'file': path, 'ok': True, 'xml': m.getXMLDesc(flags)}
    except libvirt.libvirtError as e:
        return {'file': path, 'ok': False, 'error': str(e)}
    finally:
        for m in reversed(made):
            try:
                m.delete(0)
            except libvirt.libvirtError:
                pass
        if dom is not TEST:
            try:
                if dom.isActive():
                    dom.destroy()
                dom.undefine()
            except libvirt.libvirtError:
                pass


for f in sys.argv[1:]:
    print(json.dumps(one(f)))
