/**
 * What this host's QEMU build can do, probed once per process. `-sandbox` exists only when
 * QEMU was built with seccomp; QEMU parses options in order and `-version` exits at once, so
 * `-sandbox on -version` costs one short exec and fails exactly when the option is missing.
 */
import { execa } from 'execa';

const sandboxProbes = new Map<string, Promise<boolean>>();

export function supportsSandbox(binary: string): Promise<boolean> {
  let probe = sandboxProbes.get(binary);
  if (!probe) {
    probe = execa(binary, ['-sandbox', 'on', '-version'], { reject: false, timeout: 10_000, stdin: 'ignore' }).then((r) => r.exitCode === 0);
    sandboxProbes.set(binary, probe);
  }
  return probe;
}
