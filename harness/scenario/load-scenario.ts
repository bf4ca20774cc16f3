/** Loads one scenario file: YAML + schema (file:line:col errors), then paths resolved next to the file. */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { scenarioSchema, type ScenarioData } from './scenario-schema.js';
import { DEFAULT_PROFILE, phasesThrough, type ImageFile, type Pattern, type Phase, type Scenario } from './scenario.js';
import { FILE_NAME, FILE_NAME_CHARS } from '../config/value-schemas.js';
import { readYamlFile, yamlPosition } from '../config/yaml-file.js';
import { ScenarioError } from '../errors.js';
import { findUpward } from '../util/find-upward.js';

/** Fail at once on what every PC guest prints when the boot is lost, instead of waiting out a timeout. */
export const DEFAULT_FAIL_ON: readonly Pattern[] = [
  { source: 'Kernel panic', regex: /Kernel panic/ },
  { source: 'No bootable device', regex: /No bootable device/ },
];

const IMAGE_ROLES = ['cdrom', 'floppy', 'disk', 'kernel', 'initrd'] as const;

export function loadScenario(file: string, loading: readonly string[] = []): Scenario {
  const absFile = resolve(file);
  const data: ScenarioData = readYamlFile(absFile, scenarioSchema, ScenarioError);
  const dir = dirname(absFile);
  const name = data.name ?? basename(absFile, extname(absFile));
  // The name becomes the goldens' folder and part of the job's: a file named `...yaml` must not make it `..`.
  if (!FILE_NAME.test(name)) throw new ScenarioError(`the file's name makes the scenario name "${name}", not ${FILE_NAME_CHARS} from a letter or digit: give a name:`, { file: absFile, field: 'name' });
  const source = data.from ? loadSource(absFile, resolvePath(dir, data.from.scenario), data.from.snapshot, loading) : undefined;

  const imageFiles: ImageFile[] = source ? source.scenario.imageFiles.map((f) => ({ ...f, declaredIn: f.declaredIn ?? source.scenario.file })) : [];
  for (const role of IMAGE_ROLES) {
    const entry = data.image?.[role];
    if (entry) {
      imageFiles.push({
        role,
        ...('preset' in entry ? { path: '', preset: entry.preset } : 'blank' in entry ? { path: '', blankSizeBytes: entry.blank } : { path: resolvePath(dir, entry.path) }),
        ...('sha256' in entry && entry.sha256 ? { sha256: entry.sha256 } : {}),
        ...('maxSize' in entry && entry.maxSize !== undefined ? { maxSizeBytes: entry.maxSize } : {}),
        ...('format' in entry && entry.format ? { format: entry.format } : {}),
        // The scenario's own folder, as it lies on disk: a backing file must resolve into it.
        ...('allowBackingFile' in entry && entry.allowBackingFile ? { backingWithin: dir } : {}),
      });
    }
  }
  const own: Phase[] = data.phases?.map(toPhase) ?? [{ name: 'main', steps: data.steps! }];
  const phases = source ? [...source.prefix, ...own] : own;
  const inherited = source?.scenario;
  return {
    name,
    file: absFile,
    description: data.description ?? '',
    append: inherited ? inherited.append : data.image?.append,
    imageFiles,
    profiles: data.profiles ?? (data.profile ? [data.profile] : inherited?.profiles ?? [DEFAULT_PROFILE]),
    memoryMiB: data.memory ?? inherited?.memoryMiB,
    bootOrder: data.bootOrder ?? inherited?.bootOrder,
    backends: data.backends ?? inherited?.backends ?? ['qemu'],
    timeoutMs: data.timeout,
    stepTimeoutMs: data.stepTimeout,
    failOn: [...(data.defaultFailOn ? DEFAULT_FAIL_ON : []), ...data.failOn],
    ...stallOf(data.stall === undefined ? inherited?.stallMs : data.stall),
    ...(data.failOnScreen.length ? { failOnScreen: data.failOnScreen } : inherited?.failOnScreen ? { failOnScreen: inherited.failOnScreen } : {}),
    ...(data.maxResets !== undefined ? { maxResets: data.maxResets } : inherited?.maxResets !== undefined ? { maxResets: inherited.maxResets } : {}),
    goldenDir: data.goldens ? resolvePath(dir, data.goldens) : defaultGoldenDir(dir),
    ...(source ? { originGoldens: originGoldens(source.scenario, source.afterStep) } : {}),
    expect: data.expect,
    exclude: data.exclude,
    phases,
    // The snapshot was taken on guest time or not: a job starting from it must run the same way.
    guestClock: data.guestClock ?? (phases.some((p) => p.guestBudget) || !!inherited?.guestClock),
    ...(source ? { from: { scenario: source.scenario.file, snapshot: data.from!.snapshot, afterStep: source.afterStep } } : {}),
  };
}

/**
 * The scenario a `from:` names and its steps up to the snapshot point, as the phases that come
 * first: the phase of the snapshot step is cut after it.
 */
function loadSource(file: string, sourceFile: string, snapshot: string, loading: readonly string[]): { scenario: Scenario; prefix: Phase[]; afterStep: number } {
  const where = (field: 'scenario' | 'snapshot') => ({ file, field: `from.${field}`, ...yamlPosition(file, ['from', field]) });
  if (loading.includes(sourceFile) || sourceFile === file) {
    throw new ScenarioError(`starts from itself through ${[...loading, file].join(' → ')}`, where('scenario'));
  }
  if (!existsSync(sourceFile)) throw new ScenarioError(`no such scenario: ${sourceFile}`, where('scenario'));
  let scenario: Scenario;
  try {
    scenario = loadScenario(sourceFile, [...loading, file]);
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError(`cannot load ${sourceFile}: ${(e as Error).message}`, where('scenario'));
  }
  let index = 0;
  for (const [p, phase] of scenario.phases.entries()) {
    const at = phase.steps.findIndex((s) => s.snapshot === snapshot);
    if (at >= 0) return { scenario, prefix: phasesThrough(scenario.phases, p, at), afterStep: index + at };
    index += phase.steps.length;
  }
  const names = scenario.phases.flatMap((p) => p.steps.flatMap((s) => (s.snapshot ? [s.snapshot] : [])));
  throw new ScenarioError(`${sourceFile} has no step with snapshot: ${snapshot}${names.length ? ` (it has: ${names.join(', ')})` : ' (it has no snapshot points)'}`, where('snapshot'));
}

/** The origin's goldens for its steps through `afterStep`, and for the ones before, whatever it took from its own origin. */
function originGoldens(origin: Scenario, afterStep: number): NonNullable<Scenario['originGoldens']> {
  const inherited = (origin.originGoldens ?? []).filter((o) => o.throughStep < afterStep);
  return [...inherited, { throughStep: afterStep, dir: origin.goldenDir, scenario: origin.name }];
}

function toPhase(p: NonNullable<ScenarioData['phases']>[number]): Phase {
  const b = p.budget;
  const guest = b && (b.guest !== undefined || b.instructions !== undefined) ? { ...(b.guest !== undefined ? { ms: b.guest } : {}), ...(b.instructions !== undefined ? { instructions: b.instructions } : {}) } : undefined;
  return { name: p.name, ...(b?.wall !== undefined ? { budgetMs: b.wall } : {}), ...(guest ? { guestBudget: guest } : {}), ...(p.stall !== undefined ? { stallMs: p.stall } : {}), ...(p.failOnScreen ? { failOnScreen: p.failOnScreen } : {}), steps: p.steps };
}

function stallOf(stall: number | false | undefined): { stallMs?: number } {
  return stall ? { stallMs: stall } : {};
}

function resolvePath(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

/**
 * The nearest golden-screens/ above the scenario, else a new one at its project's root (the
 * nearest folder with a package.json or .git), or beside the scenario when it is in no project.
 * Never bootgate's own for a scenario outside it: installed as a dependency, that is inside
 * node_modules.
 */
export function defaultGoldenDir(dir: string): string {
  return findUpward(dir, 'golden-screens') ?? join(projectRootOf(dir), 'golden-screens');
}

function projectRootOf(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) || existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return dir;
  }
}
