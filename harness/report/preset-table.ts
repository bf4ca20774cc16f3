/**
 * One table per preset after a gate: image size against its budget, phase times against their
 * budgets, emulator memory, and the verdict per profile × backend, with declared
 * incompatibilities shown as such.
 */
import { relative } from 'node:path';
import type { LoadedPreset } from '../preset/load-preset.js';
import { formatDuration } from '../config/duration.js';
import { formatSize } from '../config/size.js';
import type { JobResult } from '../model/results.js';
import { holdsGate } from '../model/outcome.js';
import { cachedText } from './cached-text.js';

/** Prints the preset's gate table; returns whether the gate held. */
export function printPresetTable(loaded: LoadedPreset, jobs: readonly JobResult[], write: (line: string) => void): boolean {
  const { preset } = loaded;
  const image = jobs.flatMap((j) => j.images ?? []).find((i) => i.role === 'cdrom');
  const held = jobs.length > 0 && jobs.every((j) => holdsGate(j.outcome));
  write(`preset ${preset.name}: ${held ? 'gate passed' : 'GATE BROKEN'} (${relative(process.cwd(), loaded.file)})`);
  write(`  image ${image ? formatSize(image.sizeBytes) : '?'} of ${preset.budgets.imageMiB} MiB budget; RAM budget ${preset.budgets.ramMiB} MiB`);
  // The preset's phases, then those only its scenarios have (a click-through's wizard, say).
  const phaseNames = [...new Set([...preset.phases.map((p) => p.name), ...jobs.flatMap((j) => j.phases.map((p) => p.name))])];
  const [nameWidth, profileWidth] = [Math.max(22, ...jobs.map((j) => j.scenario.name.length)), Math.max(11, ...jobs.map((j) => j.profile.length))];
  // Wall seconds against the wall budget; with guest time, "g" seconds of it against the guest budget.
  const width = jobs.some((j) => j.phases.some((p) => p.guest)) ? 28 : 16;
  write(`  ${'scenario'.padEnd(nameWidth)} ${'profile'.padEnd(profileWidth)} ${'backend'.padEnd(7)} ${phaseNames.map((n) => n.padEnd(width)).join(' ')} ${'emulator'.padEnd(9)} verdict`);
  for (const job of jobs) {
    const cells = phaseNames.map((name) => {
      const phase = job.phases.find((p) => p.name === name);
      if (!phase || phase.outcome === 'not-run') return '-'.padEnd(width);
      if (phase.outcome === 'restored') return 'restored'.padEnd(width);
      const budget = phase.budgetMs ? `/${(phase.budgetMs / 1000).toFixed(0)} s` : '';
      const guestBudget = phase.guestBudget?.ms ? `/${(phase.guestBudget.ms / 1000).toFixed(0)} s` : '';
      const guest = phase.guest ? `, g ${phase.guest.exact ? '' : '≈'}${(phase.guest.ms / 1000).toFixed(2)}${guestBudget}` : '';
      return `${(phase.durationMs / 1000).toFixed(1)}${budget}${guest}${phase.outcome === 'failed' ? ' ✗' : ''}`.padEnd(width);
    });
    const rss = job.host.peakRssBytes ? `${(job.host.peakRssBytes / 1048576).toFixed(0)} MiB` : '-';
    write(`  ${job.scenario.name.padEnd(nameWidth)} ${job.profile.padEnd(profileWidth)} ${job.backend.padEnd(7)} ${cells.join(' ')} ${rss.padEnd(9)} ${verdict(job)}`);
  }
  return held;
}

function verdict(job: JobResult): string {
  if (job.outcome === 'expected-failure') return job.expectedReason?.startsWith('incompatible') ? 'incompatible, as declared' : `expected failure: ${job.expectedReason}`;
  if (job.outcome === 'skipped') return `skipped: ${job.error?.message ?? ''}`;
  if (job.cached) return cachedText(job.cached);
  if (job.outcome === 'passed' || job.outcome === 'flaky') return `${job.outcome} in ${formatDuration(job.durationMs)}`;
  return `${job.outcome}: ${job.error?.message.split('\n')[0] ?? ''}`;
}

