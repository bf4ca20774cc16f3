/**
 * Benchmark: the cost per frame of finding a 120×40 area within ±50 px on a 1024×768 frame, as a
 * wait pays it on every polled frame while the emulator shares the cores. Three cases: the area
 * at its recorded spot, moved by 30 px, and absent (the whole window searched, every frame of a
 * wait that has not matched yet); and, for comparison, absent with the whole screen searched. A frame is taken fresh per call, so nothing is answered from a
 * cache. Figures go to bench-results/region-match.json. Target: median ≤ 15 ms per frame.
 *
 *   node dist/bench/region-match.js [--runs N]
 */
import { performance } from 'node:perf_hooks';
import { findRegion, RegionTemplate, type RegionArea } from '../harness/screen/find-region.js';
import { desktop, drawButton } from '../tests/support/region-frames.js';
import { numberOption, writeFigures } from './bench-options.js';

const runs = numberOption('--runs', 200);
const AREA: RegionArea = { x: 450, y: 360, width: 120, height: 40, margin: 50 };

const golden = desktop(1024, 768);
drawButton(golden, AREA.x, AREA.y);
const template = new RegionTemplate(golden, AREA);
/** For comparison, not the target: the same area searched for on the whole screen. */
const wholeScreen = new RegionTemplate(golden, { ...AREA, searchArea: 'screen' });

const cases = {
  atRecordedSpot: [golden, template],
  moved30px: [withButton(AREA.x + 30, AREA.y - 30), template],
  absent: [withButton(), template],
  absentWholeScreen: [withButton(), wholeScreen],
} as const;

function withButton(x?: number, y?: number) {
  const frame = desktop(1024, 768);
  if (x !== undefined && y !== undefined) drawButton(frame, x, y);
  return frame;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const results: Record<string, { medianMs: number; p90Ms: number; found: boolean; similarity: number }> = {};
for (const [name, [source, template]] of Object.entries(cases)) {
  const times: number[] = [];
  let match = findRegion(source, template);
  for (let i = 0; i < runs; i++) {
    // A new frame object each time, as a backend hands over: no answer can come from memory.
    const frame = { width: source.width, height: source.height, data: source.data.slice() };
    const start = performance.now();
    match = findRegion(frame, template);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  results[name] = { medianMs: percentile(times, 0.5), p90Ms: percentile(times, 0.9), found: match.found, similarity: match.similarity };
  process.stdout.write(
    `${name.padEnd(18)} median ${results[name]!.medianMs.toFixed(2)} ms, p90 ${results[name]!.p90Ms.toFixed(2)} ms (found: ${match.found}, similarity ${match.similarity.toFixed(3)} at ${match.x},${match.y})\n`,
  );
}

const figures = { benchmark: 'region match, 120×40 area within ±50 px on 1024×768', date: new Date().toISOString(), runs, targetMedianMs: 15, results };
const outFile = writeFigures('region-match', figures);
process.stdout.write(`target: median ≤ 15 ms per frame\nwritten to ${outFile}\n`);
