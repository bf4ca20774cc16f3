/**
 * `bootgate goldens --unused`: the golden files no scenario refers to, in the golden folders of
 * the scenarios given. A golden is referred to by a step that compares with it, on any backend
 * (`<name>.png` or `<name>.<backend>.png` in its owner's folder).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '../errors.js';
import { BACKENDS } from '../machine/machine.js';
import { EXIT } from '../model/outcome.js';
import { goldenOwner, type Scenario } from '../scenario/scenario.js';
import { goldenFileName } from '../screen/golden-store.js';
import { stepGoldens } from '../steps/run-step.js';
import { screenGoldens } from '../steps/failure-screens.js';
import { loadTargets } from './load-targets.js';

export function goldensCommand(paths: readonly string[], options: { unused?: boolean }, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  if (!options.unused) throw new ConfigError('say what to list: --unused', { field: '--unused' });
  const { scenarios } = loadTargets(paths.length ? paths : ['scenarios']);
  const unused = unusedGoldens(scenarios);
  for (const file of unused) write(relative(process.cwd(), file));
  write(`${unused.length} unused golden${unused.length === 1 ? '' : 's'}`);
  return EXIT.passed;
}

export function unusedGoldens(scenarios: readonly Scenario[]): string[] {
  const used = new Set<string>();
  const dirs = new Set<string>();
  for (const scenario of scenarios) {
    dirs.add(scenario.goldenDir);
    scenario.phases.flatMap((p) => p.steps.map((step) => ({ step, phase: p }))).forEach(({ step, phase }, i) => {
      const owner = goldenOwner(scenario, i);
      // Failure screens of the scenario and the phase apply to every step of them.
      for (const name of [...stepGoldens(step), ...screenGoldens(scenario.failOnScreen), ...screenGoldens(phase.failOnScreen)]) {
        for (const file of [undefined, ...BACKENDS].map((b) => goldenFileName(name, b))) used.add(join(owner.dir, owner.scenario, file));
      }
    });
  }
  return [...dirs].flatMap((dir) => pngsUnder(dir)).filter((file) => !used.has(file)).sort();
}

function pngsUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.png'))
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return []; // no golden folder yet
  }
}
