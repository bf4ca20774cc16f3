/**
 * Splits planned jobs into n shards for n machines. Every machine plans the same jobs and must
 * pick the same split without talking to the others, so the split depends only on the job ids
 * and the durations given: longest job first onto the least-loaded shard (ties by id, then by
 * shard number). Without durations every job weighs the same and the split is round-robin by id.
 */
import { ConfigError } from '../errors.js';

export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
}

/** "2/3" → shard 2 of 3. */
export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new ConfigError(`--shard must be i/n with 1 ≤ i ≤ n, got "${text}"`, { field: '--shard' });
  }
  return { index, total };
}

/**
 * The shard (1-based) of every job, in the order the jobs were planned. A job missing from
 * `durations` weighs the mean of those present (1 when none are).
 */
export function planShards(ids: readonly string[], total: number, durations: ReadonlyMap<string, number> = new Map()): { id: string; shard: number }[] {
  const known = ids.map((id) => durations.get(id)).filter((d): d is number => d !== undefined && Number.isFinite(d) && d >= 0);
  const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const weight = (id: string) => {
    const d = durations.get(id);
    return d !== undefined && Number.isFinite(d) && d >= 0 ? d : fallback;
  };
  const byWeight = [...ids].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : a > b ? 1 : 0));
  const load = new Array<number>(total).fill(0);
  const shardOf = new Map<string, number>();
  for (const id of byWeight) {
    let least = 0;
    for (let k = 1; k < total; k++) if (load[k]! < load[least]!) least = k;
    load[least] = load[least]! + weight(id);
    shardOf.set(id, least);
  }
  return ids.map((id) => ({ id, shard: shardOf.get(id)! + 1 }));
}
