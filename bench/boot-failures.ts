/**
 * Benchmark: what finding a boot failure fast saves, on the mini-shell preset and QEMU.
 * 1. A hang: at 24 MiB mini-shell's kernel runs off past the end of RAM after "Loading
 *    initrd.gz". The same wait (90 s, as the preset's gate has it) without and with `stall: 20s`.
 * 2. `bootgate bisect` between p3-i440fx and p5-i440fx: its tries and wall time, and that the
 *    answer names cmov (the feature Debian's i386 kernel checks for first).
 * Figures go to bench-results/boot-failures.json.
 *
 *   node dist/bench/boot-failures.js
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPreset } from '../harness/preset/build-preset.js';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { writeFigures } from './bench-options.js';
import { measure } from './process-tree.js';

const CLI = join(PROJECT_ROOT, 'bin/bootgate');
const env = { ...process.env, CI: '1' };
const { imagePath } = await buildPreset(join(PROJECT_ROOT, 'presets/mini-shell'));
const work = mkdtempSync(join(tmpdir(), 'bench-boot-failures-'));

interface Hang {
  readonly jobMs: number;
  readonly kind: string;
}

async function hang(stall: string): Promise<Hang> {
  const scenario = join(work, `hang-${stall}.yaml`);
  writeFileSync(scenario, `image: {cdrom: ${imagePath}}\nprofile: p3-i440fx\nmemory: 24\nstall: ${stall}\nsteps:\n  - waitSerial: "bootgate-mini-shell: shell ready"\n    timeout: 90s\n`);
  const report = join(work, `report-${stall}`);
  const m = await measure(CLI, ['run', scenario, '--report-dir', report], env);
  const [job] = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')).jobs as { durationMs: number; outcome: string; error?: { kind?: string } }[];
  if (m.exitCode !== 1 || job!.outcome !== 'failed') throw new Error(`the hang at 24 MiB did not fail:\n${m.stdout}`);
  return { jobMs: job!.durationMs, kind: job!.error?.kind ?? '' };
}

try {
  const [before, after] = await Promise.all([hang('false'), hang('20s')]);
  if (after.kind !== 'stall') throw new Error(`with stall: 20s the hang ended as ${after.kind}, not a stall`);
  process.stdout.write(`hang at 24 MiB: ${(before.jobMs / 1000).toFixed(1)} s without stall detection (${before.kind}), ${(after.jobMs / 1000).toFixed(1)} s with stall: 20s\n`);

  const report = join(work, 'bisect');
  const bisect = await measure(CLI, ['bisect', join(PROJECT_ROOT, 'presets/mini-shell'), '--good', 'p3-i440fx', '--bad', 'p5-i440fx', '--report-dir', report], env);
  if (bisect.exitCode !== 0) throw new Error(`bisect exited ${bisect.exitCode}:\n${bisect.stdout}`);
  const result = JSON.parse(readFileSync(join(report, 'bisect.json'), 'utf8')) as { smallest: string[]; failsAlone: string[]; tries: unknown[]; wallMs: number };
  if (!result.smallest.some((d) => d.includes('cmov'))) throw new Error(`bisect did not name cmov: ${result.smallest.join(', ')}`);
  process.stdout.write(`bisect p3-i440fx → p5-i440fx: ${result.smallest.join(' + ')} (also failing alone: ${result.failsAlone.filter((d) => !result.smallest.includes(d)).join('; ') || 'none'}) in ${result.tries.length} tries, ${(result.wallMs / 1000).toFixed(1)} s\n`);

  const outFile = writeFigures('boot-failures', {
    benchmark: 'boot failures found fast (qemu, mini-shell)',
    date: new Date().toISOString(),
    hang: { withoutStallMs: before.jobMs, withStallMs: after.jobMs, savedMs: before.jobMs - after.jobMs },
    bisect: { smallest: result.smallest, failsAlone: result.failsAlone, tries: result.tries.length, wallMs: result.wallMs },
  });
  process.stdout.write(`written to ${outFile}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
