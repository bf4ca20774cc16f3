/** How every reporter words a reused verdict: whose it is (when that run was, what it found, how long it took). */
import { formatDuration } from '../config/duration.js';
import type { JobResult } from '../model/results.js';

export function cachedText(cached: NonNullable<JobResult['cached']>): string {
  return `cached: ${cached.verdict} on ${cached.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} in ${formatDuration(cached.durationMs)}, inputs unchanged`;
}
