/**
 * Test-only helpers for the real-kernel tests: ask the kernel itself
 * (VFIO_GROUP_GET_STATUS, as ../shared/tools/real-kernel-vfio-demo.sh does),
 * load modules, wait for the kernel to settle.
 */
import { execFileSync } from 'node:child_process';

export const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import fcntl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/** The kernel's answer (VFIO_GROUP_GET_STATUS, flag 1 = viable); undefined without python3. */
export function kernelViable(group: number): boolean | undefined {
  if (!PYTHON) return undefined;
  const script = `import fcntl, os, struct, sys
fd = os.open("/dev/vfio/" + sys.argv[1], os.O_RDWR)
argsz, flags = struct.unpack("II", fcntl.ioctl(fd, 0x3b67, struct.pack("II", 8, 0)))
print("viable" if flags & 1 else "not-viable")`;
  return execFileSync(PYTHON, ['-c', script, String(group)], { encoding: 'utf8' }).trim() === 'viable';
}

export function modprobe(...modules: string[]): void {
  execFileSync('modprobe', ['-a', ...modules], { stdio: 'inherit' });
}

/**
 * Polls `ok` every 100 ms until it holds: the kernel probes drivers asynchronously after a
 * sysfs write. The bound is not a speed limit (software emulation on a busy machine is slow):
 * it only keeps a state that never comes from hanging the run; the test's own timeout is larger.
 */
export function waitFor(ok: () => boolean, ms = 300_000): boolean {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return true;
}
