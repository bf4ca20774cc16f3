/**
 * Expands scenarios into jobs (scenario × backend × profile), applying command-line filters and
 * overrides, and checks everything that can be checked before a machine starts: profiles exist,
 * images exist and match their sha256 pins, goldens decode, keys exist. Bad input fails the
 * whole run here with exit code 2, before minutes are spent booting.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, UnsafeImageError } from '../errors.js';
import { checkDiskImage } from '../machine/qemu/inspect-disk-image.js';
import type { BackendName } from '../machine/machine.js';
import type { Job } from '../model/job.js';
import { resolveProfile } from '../vm-config/load-profile.js';
import type { Scenario } from '../scenario/scenario.js';
import { sha256File } from '../util/sha256-file.js';

export interface PlanFilters {
  /** Replace each scenario's backends. */
  readonly backends?: readonly BackendName[];
  /** Replace each scenario's profiles (names or profile files). */
  readonly profiles?: readonly string[];
  /** Keep jobs whose id matches. */
  readonly grep?: RegExp;
}

export function planJobs(scenarios: readonly Scenario[], filters: PlanFilters = {}): Job[] {
  const jobs: Job[] = [];
  const seen = new Set<string>();
  for (const scenario of scenarios) {
    const profileRefs = filters.profiles ?? scenario.profiles;
    const fromDir = filters.profiles ? process.cwd() : dirname(scenario.file);
    for (const ref of profileRefs) {
      const base = resolveProfile(ref, fromDir, filters.profiles ? { field: '--profile' } : { file: scenario.file, field: 'profile' });
      const profile = {
        ...base,
        ...(scenario.memoryMiB ? { memoryMiB: scenario.memoryMiB } : {}),
        ...(scenario.bootOrder ? { bootOrder: scenario.bootOrder } : {}),
      };
      for (const backend of filters.backends ?? scenario.backends) {
        const id = `${scenario.name}--${backend}--${profile.name}`;
        if (filters.grep && !filters.grep.test(id)) continue;
        if (seen.has(id)) throw new ConfigError(`two scenarios are both named "${scenario.name}"`, { file: scenario.file, field: 'name' });
        seen.add(id);
        const applies = (e: { backend?: string; profile?: string }) => (!e.backend || e.backend === backend) && (!e.profile || e.profile === profile.name);
        const expectation = scenario.expect.find(applies);
        const exclusion = scenario.exclude.find(applies)?.reason;
        jobs.push({ id, scenario, backend, profile, ...(expectation ? { expectation } : {}), ...(exclusion ? { exclusion } : {}) });
      }
    }
  }
  return jobs;
}

/** Checks a scenario's inputs exist and are what they claim to be. */
export async function preflight(scenario: Scenario): Promise<void> {
  for (const image of scenario.imageFiles) {
    if (image.blankSizeBytes !== undefined) continue;
    if (!image.path) throw new ConfigError(`${image.role} image of preset ${image.preset} is not built`, { file: scenario.file, field: `image.${image.role}.preset` });
    let size: number;
    try {
      const st = statSync(image.path);
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message;
      throw new ConfigError(`${image.role} image ${image.path}: ${reason}`, { file: scenario.file, field: `image.${image.role}` });
    }
    if (size === 0) throw new ConfigError(`${image.role} image ${image.path} is empty`, { file: scenario.file, field: `image.${image.role}` });
    if (image.sha256) {
      const actual = await sha256File(image.path);
      if (actual !== image.sha256) {
        throw new ConfigError(`${image.role} image ${image.path} has sha256 ${actual}, expected ${image.sha256}`, { file: scenario.file, field: `image.${image.role}.sha256` });
      }
    }
    // The machine checks again before it attaches the disk; here the whole run is refused at once, naming the scenario.
    if (image.role === 'disk') {
      await checkDiskImage(image.path, { format: image.format, backingWithin: image.backingWithin }).catch((e: unknown) => {
        throw e instanceof UnsafeImageError ? new UnsafeImageError(e.image, e.reason, { file: image.declaredIn ?? scenario.file, field: 'image.disk' }) : e;
      });
    }
  }
}
