/**
 * The shell line that reproduces a QEMU machine without bootgate. The machine's own workDir is
 * gone once its job ends, so the line makes a fresh private folder and puts the FIFOs, sockets and
 * overlay there: it runs as printed, in any shell, any time later. Unlike bootgate's, this QEMU
 * runs at once (no -S) and its serial output goes to the terminal.
 */
import { shellQuote } from './qemu-command-line.js';

/** Stands for the folder in the command lines handed in; becomes "$d" in the printed line. */
export const REPRO_DIR = '/BOOTGATE-REPRO-DIR';

/**
 * @param serialOut the serial FIFO QEMU writes to (under REPRO_DIR)
 * @param steps commands to run in order before QEMU (mkfifo, qemu-img), with paths under REPRO_DIR
 * @param qemu QEMU's command line, paths under REPRO_DIR
 */
export function reproLine(serialOut: string, steps: readonly (readonly string[])[], qemu: readonly string[]): string {
  const paused = qemu.indexOf('-S');
  const running = paused < 0 ? qemu : [...qemu.slice(0, paused), ...qemu.slice(paused + 1)];
  return [
    'd=$(mktemp -d)',
    ...steps.map(inDir),
    `{ cat ${inDir([serialOut])} & }`,
    inDir(running),
  ].join(' && ');
}

/** shellQuote, with every REPRO_DIR written as "$d" (quoted pieces around it concatenate). */
function inDir(argv: readonly string[]): string {
  return argv.map((arg) => arg.split(REPRO_DIR).map((piece) => (piece ? shellQuote([piece]) : '')).join('"$d"')).join(' ');
}
