/**
 * The smallest set of differences that makes a passing configuration fail, by real tries: each
 * difference alone first (most failures have one cause, and a row of single tries is the evidence
 * a person reads), then, when no single one fails, delta debugging (Zeller's ddmin): halves, then
 * finer parts and their complements, down to a set from which no difference can be left out.
 * Tries come in batches, so the caller can run a batch's boots side by side.
 */
export type Verdict = 'pass' | 'fail' | 'unresolved';

/** Runs each subset (one try each) and says how each ended; `unresolved` (an infra error, a profile the backend cannot run) counts as not failing. */
export type TryBatch<T> = (subsets: readonly (readonly T[])[]) => Promise<Verdict[]>;

export interface FailingSet<T> {
  /** A smallest failing set found: one difference when any fails alone. */
  readonly set: readonly T[];
  /** Every difference that fails alone, each a smallest set of its own. */
  readonly singles: readonly T[];
}

/** `items` must fail all together (the bad profile); the caller checks that and that none of them passes (the good one). */
export async function smallestFailingSet<T>(items: readonly T[], tryBatch: TryBatch<T>): Promise<FailingSet<T>> {
  // ddmin asks about the same set more than once: each set is booted once.
  const known = new Map<string, Verdict>();
  const key = (set: readonly number[]) => [...set].sort((a, b) => a - b).join(',');
  const verdicts = async (sets: readonly (readonly number[])[]): Promise<Verdict[]> => {
    const fresh = sets.filter((set, i) => !known.has(key(set)) && sets.findIndex((o) => key(o) === key(set)) === i);
    const answers = fresh.length ? await tryBatch(fresh.map((set) => set.map((i) => items[i]!))) : [];
    fresh.forEach((set, i) => known.set(key(set), answers[i]!));
    return sets.map((set) => known.get(key(set))!);
  };
  const all = items.map((_, i) => i);
  const single = await verdicts(all.map((i) => [i]));
  const singles = items.filter((_, i) => single[i] === 'fail');
  if (singles.length > 0) return { set: [singles[0]!], singles };
  let set = all;
  let n = 2;
  while (set.length >= 2) {
    const parts = split(set, n);
    const part = (await verdicts(parts)).indexOf('fail');
    if (part >= 0) {
      set = parts[part]!;
      n = 2;
      continue;
    }
    // With two parts each complement is the other part, already tried.
    if (n > 2) {
      const complements = parts.map((_, j) => parts.filter((_, k) => k !== j).flat());
      const complement = (await verdicts(complements)).indexOf('fail');
      if (complement >= 0) {
        set = complements[complement]!;
        n = Math.max(n - 1, 2);
        continue;
      }
    }
    if (n >= set.length) break;
    n = Math.min(2 * n, set.length);
  }
  return { set: set.map((i) => items[i]!), singles };
}

function split(items: readonly number[], n: number): number[][] {
  const parts: number[][] = [];
  for (let i = 0; i < n; i++) parts.push(items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
  return parts.filter((p) => p.length > 0);
}
