/**
 * Benchmark: what recording the filmstrip costs a boot. The mini-shell preset's boot to its shell
 * marker, with `--filmstrip always` and with `--filmstrip off`, alternating within one run so both
 * see the same host load. Compares the boot phase's wall time (time to the marker) and prints the
 * ratio; figures go to bench-results/filmstrip-cost-<backend>.json. Target: under 5 %.
 *
 *   node dist/bench/filmstrip-cost.js [--backend qemu|v86] [--runs N]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPreset } from '../harness/preset/build-preset.js';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { backendOption, numberOption, writeFigures } from './bench-options.js';
import { measure, median } from './process-tree.js';

const backend = backendOption();
const runs = numberOption('--runs', 5);

const { imagePath } = await buildPreset(join(PROJECT_ROOT, 'presets/mini-shell'));
const work = mkdtempSync(join(tmpdir(), 'bench-filmstrip-'));
const scenario = join(work, 'boot.yaml');
writeFileSync(scenario, `image: {cdrom: ${imagePath}}\nprofile: p3-i440fx\nmemory: 48\nbackends: [${backend}]\nphases:\n  - name: boot\n    steps:\n      - waitSerial: "bootgate-mini-shell: shell ready"\n        timeout: 3m\n`);

interface Sample {
  readonly bootMs: number;
  /** Whether the job kept a filmstrip: proof the recorder ran. */
  readonly kept: boolean;
}

async function runOnce(filmstrip: 'always' | 'off'): Promise<Sample> {
  const report = join(work, `report-${filmstrip}`);
  try {
    const m = await measure(join(PROJECT_ROOT, 'bin/bootgate'), ['run', scenario, '--filmstrip', filmstrip, '--report-dir', report], { ...process.env, CI: '1' });
    if (m.exitCode !== 0) throw new Error(`bootgate exited ${m.exitCode}:\n${m.stdout}`);
    const [job] = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')).jobs as { phases: { durationMs: number }[]; artifacts: Record<string, string> }[];
    return { bootMs: job!.phases[0]!.durationMs, kept: !!job!.artifacts.filmstrip };
  } finally {
    rmSync(report, { recursive: true, force: true });
  }
}

const samples = { always: [] as Sample[], off: [] as Sample[] };
try {
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (['always', 'off'] as const) : (['off', 'always'] as const);
    for (const mode of order) samples[mode].push(await runOnce(mode));
    process.stdout.write(`run ${i + 1}/${runs}: boot with filmstrip ${samples.always[i]!.bootMs.toFixed(0)} ms, without ${samples.off[i]!.bootMs.toFixed(0)} ms\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (samples.always.some((s) => !s.kept)) throw new Error('a run with --filmstrip always kept no filmstrip');
const withMs = median(samples.always.map((s) => s.bootMs));
const withoutMs = median(samples.off.map((s) => s.bootMs));
const figures = { benchmark: `filmstrip cost (${backend})`, date: new Date().toISOString(), runs, bootWithFilmstripMs: withMs, bootWithoutMs: withoutMs, cost: withMs / withoutMs - 1, target: 0.05, samples };
const outFile = writeFigures(`filmstrip-cost-${backend}`, figures);
process.stdout.write(
  `\nmini-shell boot (${backend}), median of ${runs}: ${(withMs / 1000).toFixed(2)} s with the filmstrip, ${(withoutMs / 1000).toFixed(2)} s without: ${(figures.cost * 100).toFixed(1)} % (target < 5 %)\nwritten to ${outFile}\n`,
);
