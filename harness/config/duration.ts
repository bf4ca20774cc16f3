/** Durations in scenario files: a number of seconds, or text such as `500ms`, `30s`, `2m`, `1.5min`. */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)$/;

export function parseDuration(value: number | string): number {
  if (typeof value === 'number') return Math.round(value * 1000);
  const m = DURATION_PATTERN.exec(value.trim());
  if (!m) throw new Error(`not a duration: ${JSON.stringify(value)} (use e.g. 500ms, 30s, 2m)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
