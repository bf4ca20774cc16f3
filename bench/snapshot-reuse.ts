/**
 * Benchmark: N shell checks on the mini-shell preset (send `uname -m` on serial, wait for the
 * answer), once as N cold scenarios that each boot, and once as N scenarios that start `from:`
 * the snapshot point at the shell prompt, with an empty snapshot cache: the first boots and
 * saves, the others restore. Both runs in the same invocation, alternating which goes first.
 * Prints the ratio of wall times and writes the figures to bench-results/snapshot-reuse-<backend>.json.
 *
 *   node dist/bench/snapshot-reuse.js [--backend qemu|v86] [--checks N] [--rounds R]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPreset } from '../harness/preset/build-preset.js';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { backendOption, numberOption, writeFigures } from './bench-options.js';
import { measure, median } from './process-tree.js';

const backend = backendOption();
const checks = numberOption('--checks', 10);
const rounds = numberOption('--rounds', 2);

const { imagePath } = await buildPreset(join(PROJECT_ROOT, 'presets/mini-shell'));
const work = mkdtempSync(join(tmpdir(), 'bench-snapshots-'));
const machine = `profile: p3-i440fx\nmemory: 48\nbackends: [${backend}]\ntimeout: 4m\n`;
const boot = '  - waitSerial: "bootgate-mini-shell: shell ready"\n    timeout: 3m\n';
const check = '  - sendSerial: "uname -m\\n"\n  - waitSerial: {regex: "i[56]86"}\n';
const cold = join(work, 'cold');
const warm = join(work, 'warm');
mkdirSync(cold);
mkdirSync(warm);
writeFileSync(join(work, 'boot.yaml'), `image: {cdrom: ${imagePath}}\n${machine}steps:\n${boot}    snapshot: shell-ready\n`);
for (let i = 1; i <= checks; i++) {
  const n = String(i).padStart(2, '0');
  writeFileSync(join(cold, `check-${n}.yaml`), `image: {cdrom: ${imagePath}}\n${machine}steps:\n${boot}${check}`);
  writeFileSync(join(warm, `check-${n}.yaml`), `from: {scenario: ../boot.yaml, snapshot: shell-ready}\nsteps:\n${check}`);
}

interface Sample {
  readonly wallMs: number;
  readonly restored: number;
}

async function runOnce(dir: string): Promise<Sample> {
  const report = join(work, 'report');
  // A cache of its own, empty each time: the warm run pays for the boot that makes the snapshot.
  const cache = mkdtempSync(join(tmpdir(), 'bench-snapshot-cache-'));
  try {
    const m = await measure(join(PROJECT_ROOT, 'bin/bootgate'), ['run', dir, '--jobs', '1', '--report-dir', report], { ...process.env, CI: '1', BOOTGATE_CACHE: cache });
    if (m.exitCode !== 0) throw new Error(`bootgate exited ${m.exitCode} on ${dir}:\n${m.stdout}`);
    const jobs = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')).jobs as { restored?: unknown }[];
    return { wallMs: m.wallMs, restored: jobs.filter((j) => j.restored).length };
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(report, { recursive: true, force: true });
  }
}

const samples = { cold: [] as Sample[], warm: [] as Sample[] };
try {
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['cold', 'warm'] as const) : (['warm', 'cold'] as const);
    for (const which of order) samples[which].push(await runOnce(which === 'cold' ? cold : warm));
    process.stdout.write(`round ${r + 1}/${rounds}: cold ${samples.cold[r]!.wallMs.toFixed(0)} ms, from the snapshot ${samples.warm[r]!.wallMs.toFixed(0)} ms (${samples.warm[r]!.restored} restored)\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const coldMs = median(samples.cold.map((s) => s.wallMs));
const warmMs = median(samples.warm.map((s) => s.wallMs));
const figures = {
  benchmark: `snapshot reuse (${backend})`,
  date: new Date().toISOString(),
  checks,
  rounds,
  coldMs,
  fromSnapshotMs: warmMs,
  ratio: warmMs / coldMs,
  target: 0.3,
  samples,
};
const outFile = writeFigures(`snapshot-reuse-${backend}`, figures);
process.stdout.write(
  `\n${checks} shell checks on mini-shell (${backend}), median of ${rounds}: cold ${(coldMs / 1000).toFixed(1)} s, from a snapshot ${(warmMs / 1000).toFixed(1)} s = ${figures.ratio.toFixed(2)}× (target ≤ 0.30×)\nwritten to ${outFile}\n`,
);
