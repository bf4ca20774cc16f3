/** Finding the QEMU processes a test's own bootgate started (other test files may run QEMU too). */
import { readdirSync, readFileSync } from 'node:fs';

/** QEMU processes started by `ancestor` or its descendants. */
export function qemuPidsUnder(ancestor: number): number[] {
  const parent = new Map<number, number>();
  const qemu: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('qemu-system-i386')) qemu.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return qemu.filter((pid) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === ancestor) return true;
    return false;
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
