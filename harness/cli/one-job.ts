/**
 * The one job a person-facing command (repro, record) runs: the scenario file loaded, its preset
 * images built or found in the cache, preflighted, and the first job of what --backend and
 * --profile leave, with a note when they leave several.
 */
import type { Job } from '../model/job.js';
import { ConfigError } from '../errors.js';
import { planJobs, preflight } from '../run/plan-jobs.js';
import { loadTargets } from './load-targets.js';
import { parseBackends } from './parse-options.js';

export async function oneJob(path: string, filters: { readonly backend?: readonly string[]; readonly profile?: readonly string[] }, command: string, write: (line: string) => void): Promise<{ job: Job; jobs: readonly Job[] }> {
  const loaded = loadTargets([path]).scenarios;
  if (loaded.length !== 1) throw new ConfigError(`${path} holds ${loaded.length} scenarios; ${command} takes one scenario file`, { field: 'scenario' });
  const scenarios = loaded.some((s) => s.imageFiles.some((f) => f.preset))
    ? await (await import('../preset/resolve-preset-images.js')).resolvePresetImages(loaded, {
        onProgress: (p) => (p.step === 'done' || p.step === 'cached' ? write(`preset ${p.preset}: ${p.step === 'cached' ? 'cached ' : ''}${p.message}`) : undefined),
      })
    : loaded;
  const scenario = scenarios[0]!;
  await preflight(scenario);
  const jobs = planJobs([scenario], {
    ...(filters.backend ? { backends: parseBackends(filters.backend) } : {}),
    ...(filters.profile ? { profiles: filters.profile.flatMap((p) => p.split(',')) } : {}),
  });
  const job = jobs[0];
  if (!job) throw new ConfigError('no job to run', { field: '--backend' });
  if (jobs.length > 1) write(`note: the scenario has ${jobs.length} jobs (${jobs.map((j) => j.id).join(', ')}); ${command} runs the first: choose with --backend and --profile`);
  return { job, jobs };
}
