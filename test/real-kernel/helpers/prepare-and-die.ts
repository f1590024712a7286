/**
 * Child process of test/real-kernel/sriov.test.ts: prepares a domain's PCI
 * hostdevs on the real /sys with a FileStateStore, and SIGKILLs itself right
 * after its Nth sysfs write — a daemon dying in the middle of `apply`.
 *
 *   node prepare-and-die.mjs STATE.json N STATUS.xml
 */
import * as nodeFs from 'node:fs';
import { domainHostdevs } from '../../../src/domain/hostdevs.js';
import { parseDomainXml } from '../../../src/domain/index.js';
import { FileStateStore } from '../../../src/hostdev/file-store.js';
import { HostdevManager } from '../../../src/hostdev/manager.js';
import { SysfsHost } from '../../../src/pci/sysfs.js';

const [state, killAt, statusXml] = process.argv.slice(2);
let writes = 0;
const fs = {
  ...nodeFs,
  writeFileSync(path: string, data: string) {
    nodeFs.writeFileSync(path, data);
    if (++writes === Number(killAt)) process.kill(process.pid, 'SIGKILL');
  },
};
const dom = parseDomainXml(nodeFs.readFileSync(statusXml!, 'utf8'));
const mgr = new HostdevManager(new SysfsHost({ fs }), { store: new FileStateStore(state!) });
mgr.prepare('QEMU', dom.name, domainHostdevs(dom));
process.stdout.write(`prepared after ${writes} writes, not killed\n`);
