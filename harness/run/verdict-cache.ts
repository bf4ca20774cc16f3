/**
 * Verdicts kept by the key of their inputs (verdict-key.ts), as Bazel and Nix keep test results:
 * a job whose inputs are all unchanged since a run that passed it (or saw it fail as declared) is
 * reported as `cached`, with that run's date and verdict, instead of booting again. Failed, flaky,
 * infra-error and interrupted verdicts are never kept, nor one whose run wrote goldens (they are
 * to be reviewed, and the folder it read is not the one it left).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CachedVerdict, JobResult } from '../model/results.js';
import { defaultCacheRoot } from '../util/cache-root.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** Bumped when an entry's layout changes, so old entries stop being read. */
const ENTRY_VERSION = 1;

interface Entry {
  readonly version: number;
  readonly key: string;
  readonly result: JobResult;
}

export class VerdictCache {
  constructor(readonly root: string = join(defaultCacheRoot(), 'verdicts')) {}

  /** The cached result for this key, or undefined: a missing, damaged or foreign entry is a miss. */
  find(key: string): JobResult | undefined {
    let entry: Entry;
    try {
      entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as Entry;
    } catch {
      return undefined;
    }
    const verdict = entry?.result?.outcome;
    if (entry.version !== ENTRY_VERSION || entry.key !== key || !isReusable(verdict)) return undefined;
    const { result } = entry;
    return {
      ...result,
      outcome: 'cached',
      cached: { verdict, startedAt: result.startedAt, durationMs: result.durationMs, key },
      startedAt: new Date().toISOString(),
      durationMs: 0,
      // The evidence lay in that run's report folder, which this run does not have.
      artifacts: {},
      attempts: [],
    };
  }

  /** Keeps a verdict a later run may reuse; says whether it did. */
  save(key: string, result: JobResult): boolean {
    if (!isReusable(result.outcome) || wroteGoldens(result)) return false;
    writeFileAtomic(this.file(key), JSON.stringify({ version: ENTRY_VERSION, key, result } satisfies Entry));
    return true;
  }

  private file(key: string): string {
    return join(this.root, `${key.slice(0, 2)}`, `${key}.json`);
  }
}

function isReusable(outcome: string | undefined): outcome is CachedVerdict {
  return outcome === 'passed' || outcome === 'expected-failure';
}

function wroteGoldens(result: JobResult): boolean {
  return result.phases.some((p) => p.steps.some((s) => s.goldens?.some((g) => g.status === 'created' || g.status === 'updated')));
}
