/**
 * Where each step of a loaded scenario is written, so a CI annotation or the report can point at
 * the line. Read again from the file only when asked (after a job ran), so loading scenarios —
 * mostly from the config cache, without parsing — stays as cheap as it is.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { loadScenario } from './load-scenario.js';
import type { Scenario } from './scenario.js';

export interface StepSource {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

/** One entry per step, counted over all phases as the engine counts them; undefined where it cannot tell. */
export function stepSources(scenario: Scenario): (StepSource | undefined)[] {
  const own = ownStepLines(scenario.file).map((line) => (line ? { file: scenario.file, line } : undefined));
  if (!scenario.from) return own;
  // A `from:` scenario's first steps are its source's, up to the snapshot step.
  let inherited: (StepSource | undefined)[];
  try {
    inherited = stepSources(loadScenario(scenario.from.scenario)).slice(0, scenario.from.afterStep + 1);
  } catch {
    inherited = new Array<undefined>(scenario.from.afterStep + 1).fill(undefined);
  }
  return [...inherited, ...own];
}

/** The line of every step the file itself writes, under `phases:` or `steps:`. */
function ownStepLines(file: string): (number | undefined)[] {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
    const lineOf = (node: unknown) => (node && (node as Node).range ? lineCounter.linePos((node as Node).range![0]).line : undefined);
    const phases = doc.get('phases', true);
    const stepLists = isSeq(phases) ? phases.items.map((p) => (isMap(p) ? p.get('steps', true) : undefined)) : [doc.get('steps', true)];
    return stepLists.flatMap((steps) => (isSeq(steps) ? steps.items.map(lineOf) : []));
  } catch {
    return [];
  }
}
