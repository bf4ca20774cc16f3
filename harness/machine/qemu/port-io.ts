/**
 * x86 port I/O through HMP lines, for the reads QMP has no command for: the VGA registers of an
 * exact text-screen read, the i8042's status before a PS/2 button change. HmpMonitor runs a
 * batch of lines in one turn of QEMU's main loop.
 */
import { InfraError } from '../../errors.js';

/** The monitor lines port I/O needs: HmpMonitor runs them, a test's fake answers them. */
export interface MonitorLines {
  run(lines: readonly string[]): Promise<string[]>;
}

/**
 * HMP `i /b 972` answers `portb[0x03cc] = 0x67` (QEMU 7.2); b = 8 bits (h = 16, w = 32). Numbers
 * are written in decimal: the readline monitor takes a byte per main-loop turn, so short lines
 * are quicker.
 */
export function inb(port: number): string {
  return `i /b ${port}`;
}

/** HMP `o /b port value` answers with empty text. */
export function outb(port: number, value: number): string {
  return `o /b ${port} ${value}`;
}

/** The byte an `inb` line's answer holds. */
export function portValue(line: string, output: string): number {
  const match = /=\s*0x([0-9a-f]+)/i.exec(output);
  if (!match) throw new InfraError(`unexpected HMP answer to "${line}": ${JSON.stringify(output)}`);
  return Number.parseInt(match[1]!, 16);
}

/** One port read on its own. */
export async function readPort(hmp: MonitorLines, port: number): Promise<number> {
  const line = inb(port);
  const [output] = await hmp.run([line]);
  return portValue(line, output ?? '');
}
