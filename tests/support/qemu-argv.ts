/** What a running QEMU was told, read from /proc: where a test finds the files of a QEMU it did not start itself. */
import { readFileSync } from 'node:fs';

/** The `-chardev pipe` base of its serial port (QEMU writes `<base>.out`, reads `<base>.in`). */
export function qemuSerialFifoBase(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const prefix = 'pipe,id=ser0,path=';
  const chardev = argv.find((a) => a.startsWith(prefix));
  if (!chardev) throw new Error(`QEMU ${pid} has no serial pipe: ${argv.join(' ')}`);
  return chardev.slice(prefix.length).replaceAll(',,', ',');
}
