/**
 * The CLI's host from libvirt's node-device XML (`--nodedev PATH`) and its
 * reverse (`iommu --format nodedev`). PATH is a directory of `virsh
 * nodedev-dumpxml` outputs (every *.xml in it) or one file holding one or
 * more `<device>` documents one after another.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatNodeDeviceXml, parseNodeDeviceXml, type NodeDeviceDef } from '../nodedev/index.js';
import { MemoryPciHost } from '../pci/memory-host.js';
import { nodeDevicesFromPciHost, pciTopologyFromNodeDevices } from '../pci/nodedev.js';
import type { PciHost } from '../pci/host.js';
import { PciTopologyError } from '../pci/topology.js';
import { VirtXmlError } from '../xml/errors.js';
import { ioMessage, readInput, UsageError } from './usage.js';

/** Splits text holding `<device>` documents one after another (as a loop over `virsh nodedev-dumpxml` prints them). */
function documents(text: string): string[] {
  return text
    .split(/(?<=<\/device>)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Reads the node devices PATH names; a UsageError names the file, line and column of what cannot be read. */
export function readNodeDevices(path: string): NodeDeviceDef[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.endsWith('.xml'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${ioMessage(e)}`);
  }
  if (files.length === 0) throw new UsageError(`no *.xml files in directory ${path}`);
  const defs: NodeDeviceDef[] = [];
  for (const file of files) {
    const docs = documents(readInput(file));
    docs.forEach((doc, i) => {
      try {
        defs.push(parseNodeDeviceXml(doc, { file }));
      } catch (e) {
        if (!(e instanceof VirtXmlError)) throw e;
        const where = docs.length > 1 ? ` (document ${i + 1})` : '';
        throw new UsageError(`${file}${where}${e.line !== undefined ? `:${e.line}:${e.column}` : ''}: ${e.detail}`);
      }
    });
  }
  return defs;
}

/** A read-only view of the host the node devices describe (`partial`: gaps become placeholders). */
export function nodedevHost(path: string, partial = false): PciHost {
  try {
    return new MemoryPciHost(pciTopologyFromNodeDevices(readNodeDevices(path), { partial }));
  } catch (e) {
    if (e instanceof PciTopologyError) throw new UsageError(`${path}: node devices do not describe a consistent host:\n  ${e.problems.join('\n  ')}`);
    throw e;
  }
}

/** Every PCI device of a host as node-device documents, one after another. */
export function formatNodeDevices(host: PciHost): string {
  return nodeDevicesFromPciHost(host)
    .map((d) => formatNodeDeviceXml(d))
    .join('');
}
