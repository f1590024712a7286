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
import { displayName, InputFileError, ioMessage, readInput, STDIN, UsageError } from './diagnostics.js';

/**
 * Splits text holding `<device>` documents one after another (as a loop over
 * `virsh nodedev-dumpxml` prints them), each with the line and column where
 * it starts in the file.
 */
function documents(text: string): Array<{ text: string; line: number; column: number }> {
  const out: Array<{ text: string; line: number; column: number }> = [];
  // where the text read so far ends: its line, and the offset where that line starts
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const advance = (to: number): void => {
    for (let i = text.indexOf('\n', offset); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) line++, (lineStart = i + 1);
    offset = to;
  };
  for (const part of text.split(/(?<=<\/device>)/)) {
    const end = offset + part.length;
    const doc = part.trim();
    if (doc !== '') {
      advance(offset + (part.length - part.trimStart().length));
      out.push({ text: doc, line, column: offset - lineStart + 1 });
    }
    advance(end);
  }
  return out;
}

/** An error of a document that starts at `at` in its file, placed in the file. */
function inFile(e: VirtXmlError, at: { line: number; column: number }): VirtXmlError {
  if (e.line === undefined || (at.line === 1 && at.column === 1)) return e;
  const column = e.line === 1 && e.column !== undefined ? e.column + at.column - 1 : e.column;
  return new VirtXmlError(e.code, e.detail, { line: e.line + at.line - 1, ...(column !== undefined ? { column } : {}), ...(e.path !== undefined ? { path: e.path } : {}) });
}

/**
 * Reads the node devices PATH names: a UsageError when PATH cannot be read,
 * an InputFileError (a diagnostic of the file, its line and column) when a
 * document is not a node device libvirt reads.
 */
export function readNodeDevices(path: string): NodeDeviceDef[] {
  let files: string[];
  try {
    files = path === STDIN ? [STDIN] : statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.endsWith('.xml'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (e) {
    throw new UsageError(`cannot read ${displayName(path)}: ${ioMessage(e)}`);
  }
  if (files.length === 0) throw new UsageError(`no *.xml files in directory ${displayName(path)}`);
  const defs: NodeDeviceDef[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readInput(file);
    } catch (e) {
      if (e instanceof VirtXmlError) throw new InputFileError(file, e);
      throw e;
    }
    for (const doc of documents(text)) {
      try {
        // strict: the host is built from what the words mean; an unknown capability type is refused
        defs.push(parseNodeDeviceXml(doc.text, { file, strict: true }));
      } catch (e) {
        if (e instanceof VirtXmlError) throw new InputFileError(file, inFile(e, doc));
        throw e;
      }
    }
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
