/**
 * Benchmark: the GRUB rescue CD scenario (menu, `c`, grub>, `ls`) with bootgate's QEMU or v86
 * backend against a plain script doing the same steps with the same emulator (QEMU + QMP
 * polling, or a bare v86 in Node), alternating within one run so both see the same host load.
 * Prints medians and ratios and writes them to bench-results/grub-cd-<backend>.json.
 *
 *   node dist/bench/grub-cd.js [--backend qemu|v86] [--runs N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { backendOption, numberOption, writeFigures } from './bench-options.js';
import { measure, median } from './process-tree.js';

// One run of either contender varies by ±300 ms on this kind of host (the guest's own boot
// does): 21 pairs keep the ratio of medians within a few per cent from run to run.
const runs = numberOption('--runs', 21);
const backend = backendOption();
const scenario = join(PROJECT_ROOT, 'scenarios/grub-rescue/grub-rescue-cd.yaml');
// Node 20 parses NODE_EXTRA_CA_CERTS at every start (~70 ms where it names the system bundle),
// though neither contender makes a TLS connection: the same fixed cost added to both would
// only flatter the ratio.
const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
delete env['NODE_EXTRA_CA_CERTS'];

interface Sample {
  readonly wallMs: number;
  readonly timeToMenuMs: number;
  readonly peakTreeRssBytes: number;
}

async function bootgateOnce(): Promise<Sample> {
  const reportDir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  try {
    const m = await measure(join(PROJECT_ROOT, 'bin/bootgate'), ['run', scenario, '--backend', backend, '--jobs', '1', '--report-dir', reportDir], env);
    if (m.exitCode !== 0) throw new Error(`bootgate exited ${m.exitCode}:\n${m.stdout}`);
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8'));
    const job = results.jobs[0];
    const boot = job.phases.find((p: { name: string }) => p.name === 'boot');
    const timeToMenuMs = Date.parse(job.startedAt) - m.spawnedAtEpochMs + boot.offsetMs + boot.durationMs;
    return { wallMs: m.wallMs, timeToMenuMs, peakTreeRssBytes: m.peakTreeRssBytes };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

async function plainOnce(): Promise<Sample> {
  const m = await measure(process.execPath, [join(PROJECT_ROOT, `dist/bench/plain-${backend}-grub.js`)], env);
  if (m.exitCode !== 0) throw new Error(`plain script exited ${m.exitCode}`);
  const out = JSON.parse(m.stdout.trim().split('\n').pop()!);
  return { wallMs: m.wallMs, timeToMenuMs: out.timeToMenuMs, peakTreeRssBytes: m.peakTreeRssBytes };
}

const bootgate: Sample[] = [];
const plain: Sample[] = [];
for (let i = 0; i < runs; i++) {
  // Alternate who goes first so neither always runs on a warmer cache.
  if (i % 2 === 0) {
    bootgate.push(await bootgateOnce());
    plain.push(await plainOnce());
  } else {
    plain.push(await plainOnce());
    bootgate.push(await bootgateOnce());
  }
  process.stdout.write(`run ${i + 1}/${runs}: bootgate ${bootgate[i]!.wallMs.toFixed(0)} ms, plain ${plain[i]!.wallMs.toFixed(0)} ms\n`);
}

const summarise = (samples: readonly Sample[]) => ({
  wallMs: median(samples.map((s) => s.wallMs)),
  timeToMenuMs: median(samples.map((s) => s.timeToMenuMs)),
  peakTreeRssMiB: median(samples.map((s) => s.peakTreeRssBytes)) / 1048576,
});
const b = summarise(bootgate);
const p = summarise(plain);
const figures = {
  benchmark: `grub-cd (${backend})`,
  date: new Date().toISOString(),
  runs,
  bootgate: b,
  plain: p,
  ratios: { wall: b.wallMs / p.wallMs, timeToMenu: b.timeToMenuMs / p.timeToMenuMs, peakMemory: b.peakTreeRssMiB / p.peakTreeRssMiB },
  targets: { wall: 1.35, peakMemory: 1.5 },
  samples: { bootgate, plain },
};
const outFile = writeFigures(`grub-cd-${backend}`, figures);
process.stdout.write(
  [
    '',
    `${backend.padEnd(17)}bootgate      plain   ratio  (median of ${runs})`,
    `wall time     ${b.wallMs.toFixed(0).padStart(8)} ms ${p.wallMs.toFixed(0).padStart(7)} ms  ${figures.ratios.wall.toFixed(2)}×  (guard ≤ 1.35×)`,
    `time to menu  ${b.timeToMenuMs.toFixed(0).padStart(8)} ms ${p.timeToMenuMs.toFixed(0).padStart(7)} ms  ${figures.ratios.timeToMenu.toFixed(2)}×`,
    `peak memory   ${b.peakTreeRssMiB.toFixed(0).padStart(8)} MiB${p.peakTreeRssMiB.toFixed(0).padStart(7)} MiB ${figures.ratios.peakMemory.toFixed(2)}×  (target ≤ 1.5×)`,
    `written to ${outFile}`,
    '',
  ].join('\n'),
);
