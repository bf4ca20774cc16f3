/**
 * Benchmark: bootgate's own CPU time as a share of its emulator's, on QEMU, where the emulator is
 * a process of its own (v86 runs in bootgate's worker thread, so there is no line between them).
 * Two suites: the GRUB CD micro-suite (8 copies of grub-rescue-cd in one `run --jobs 1`; target
 * ≤ 15 %) and a GUI job (mini-desktop-setup's gate on p3-i440fx: install, wizard clicks, Start
 * menu, terminal; target ≤ 5 %).
 *
 * bootgate's own time is what its process used (all its threads), read by a hook at its exit
 * (bench/own-cpu-hook.mjs); the whole tree's is what the shell that waited for it reports
 * (`times`: bootgate and every child it reaped, QEMU among them). The emulator's is the
 * difference. Prints both and writes bench-results/cpu-share.json.
 *
 *   node dist/bench/cpu-share.js [--rounds R] [--suite grub|gui|both]
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { numberOption, writeFigures } from './bench-options.js';
import { measure, median } from './process-tree.js';

const rounds = numberOption('--rounds', 1);
const suiteArg = process.argv[process.argv.indexOf('--suite') + 1] ?? 'both';
const work = mkdtempSync(join(tmpdir(), 'bench-cpu-share-'));
const hook = join(PROJECT_ROOT, 'bench/own-cpu-hook.mjs');

// The same scenario under eight names, each with a copy of its golden: eight jobs in one run.
const grubScenario = readFileSync(join(PROJECT_ROOT, 'scenarios/grub-rescue/grub-rescue-cd.yaml'), 'utf8');
const grubFiles = Array.from({ length: 8 }, (_, i) => {
  mkdirSync(join(work, 'golden-screens', `grub-${i + 1}`), { recursive: true });
  copyFileSync(join(PROJECT_ROOT, 'golden-screens/grub-rescue-cd/menu.png'), join(work, 'golden-screens', `grub-${i + 1}`, 'menu.png'));
  mkdirSync(join(work, 'scenarios'), { recursive: true });
  const file = join(work, 'scenarios', `grub-${i + 1}.yaml`);
  writeFileSync(file, grubScenario);
  return file;
});

interface Sample {
  readonly wallMs: number;
  readonly ownMs: number;
  readonly treeMs: number;
  readonly emulatorMs: number;
  readonly share: number;
  readonly load: number;
}

async function once(args: readonly string[]): Promise<Sample> {
  const cpuFile = join(work, 'own-cpu.json');
  const load = loadavg()[0]!;
  const m = await measure('bash', ['-c', '"$@"; status=$?; times; exit $status', 'bash', join(PROJECT_ROOT, 'bin/bootgate'), ...args], {
    ...process.env,
    CI: '1',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim(),
    BENCH_OWN_CPU_FILE: cpuFile,
  });
  if (m.exitCode !== 0) throw new Error(`bootgate exited ${m.exitCode}:\n${m.stdout}`);
  const own = JSON.parse(readFileSync(cpuFile, 'utf8')) as { userCPUTime: number; systemCPUTime: number };
  // `times` prints the shell's own line, then its children's: "0m1.234s 0m0.567s".
  const children = m.stdout.trim().split('\n').pop()!.match(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/)!;
  const treeMs = (Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4])) * 1000;
  const ownMs = (own.userCPUTime + own.systemCPUTime) / 1000;
  const emulatorMs = treeMs - ownMs;
  return { wallMs: m.wallMs, ownMs, treeMs, emulatorMs, share: ownMs / emulatorMs, load };
}

const suites: Record<string, readonly string[]> = {
  grub: ['run', ...grubFiles, '--backend', 'qemu', '--jobs', '1', '--report-dir', join(work, 'report-grub')],
  gui: ['gate', 'mini-desktop-setup', '--backend', 'qemu', '--profile', 'p3-i440fx', '--jobs', '1', '--report-dir', join(work, 'report-gui')],
};
const chosen = suiteArg === 'both' ? ['grub', 'gui'] : [suiteArg];
const figures: Record<string, unknown> = {};
try {
  for (const name of chosen) {
    const samples: Sample[] = [];
    for (let r = 0; r < rounds; r++) samples.push(await once(suites[name]!));
    const pick = (k: keyof Sample) => median(samples.map((s) => s[k]));
    figures[name] = { samples, medianSharePct: pick('share') * 100, medianOwnMs: pick('ownMs'), medianEmulatorMs: pick('emulatorMs') };
    console.log(`${name}: bootgate ${(pick('ownMs') / 1000).toFixed(2)} s CPU, QEMU ${(pick('emulatorMs') / 1000).toFixed(2)} s: ${(pick('share') * 100).toFixed(1)} % (wall ${(pick('wallMs') / 1000).toFixed(1)} s, load ${samples.map((s) => s.load.toFixed(1)).join('/')})`);
  }
  console.log(`figures: ${writeFigures('cpu-share', figures)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
