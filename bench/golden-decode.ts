/**
 * Benchmark: reading a golden as a run does, once in a fresh process (module load included, code
 * not yet optimised), for the GRUB CD menu golden. Each sample is its own Node process, so no
 * sample sees code another one warmed. Wall time and CPU time (all threads: inflate may run on
 * libuv's pool), the latter less at the mercy of a loaded host. Prints medians and writes
 * bench-results/golden-decode.json.
 *
 *   node dist/bench/golden-decode.js [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { numberOption, writeFigures } from './bench-options.js';
import { median } from './process-tree.js';

const runs = numberOption('--runs', 15);
const golden = join(PROJECT_ROOT, 'golden-screens/grub-rescue-cd/menu.png');
const pngFile = join(PROJECT_ROOT, 'dist/harness/screen/png-file.js');
const child = `
const t0 = performance.now();
const { readPng } = await import(${JSON.stringify(pngFile)});
const t1 = performance.now();
const c1 = process.cpuUsage();
const image = await readPng(${JSON.stringify(golden)});
const t2 = performance.now();
const cpu = process.cpuUsage(c1);
console.log(JSON.stringify({ loadMs: t1 - t0, decodeMs: t2 - t1, decodeCpuMs: (cpu.user + cpu.system) / 1000, pixels: image.width * image.height }));
`;

const samples: { loadMs: number; decodeMs: number; decodeCpuMs: number }[] = [];
for (let i = 0; i < runs; i++) {
  samples.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' })));
}
const figures = {
  benchmark: 'golden-decode',
  date: new Date().toISOString(),
  runs,
  golden: 'golden-screens/grub-rescue-cd/menu.png',
  loadMs: median(samples.map((s) => s.loadMs)),
  decodeMs: median(samples.map((s) => s.decodeMs)),
  decodeCpuMs: median(samples.map((s) => s.decodeCpuMs)),
  samples,
};
const outFile = writeFigures('golden-decode', figures);
process.stdout.write(`golden decode (first in a fresh process, median of ${runs}): module load ${figures.loadMs.toFixed(1)} ms, decode ${figures.decodeMs.toFixed(1)} ms (CPU ${figures.decodeCpuMs.toFixed(1)} ms)\nwritten to ${outFile}\n`);
