/** Loads one scenario file: YAML + schema (file:line:col errors), then paths resolved next to the file. */
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { scenarioSchema, type ScenarioData } from './scenario-schema.js';
import { DEFAULT_PROFILE, type ImageFile, type Pattern, type Phase, type Scenario } from './scenario.js';
import { readYamlFile } from './yaml-file.js';
import { ScenarioError } from '../errors.js';
import { findUpward } from '../util/find-upward.js';
import { PROJECT_ROOT } from '../util/project-root.js';

/** Fail at once on what every PC guest prints when the boot is lost, instead of waiting out a timeout. */
export const DEFAULT_FAIL_ON: readonly Pattern[] = [
  { source: 'Kernel panic', regex: /Kernel panic/ },
  { source: 'No bootable device', regex: /No bootable device/ },
];

const IMAGE_ROLES = ['cdrom', 'floppy', 'disk', 'kernel', 'initrd'] as const;

export function loadScenario(file: string): Scenario {
  const absFile = resolve(file);
  const data: ScenarioData = readYamlFile(absFile, scenarioSchema, ScenarioError);
  const dir = dirname(absFile);
  const name = data.name ?? basename(absFile, extname(absFile));

  const imageFiles: ImageFile[] = [];
  for (const role of IMAGE_ROLES) {
    const entry = data.image[role];
    if (entry) {
      imageFiles.push({
        role,
        ...('preset' in entry ? { path: '', preset: entry.preset } : 'blank' in entry ? { path: '', blankSizeBytes: entry.blank } : { path: resolvePath(dir, entry.path) }),
        ...('sha256' in entry && entry.sha256 ? { sha256: entry.sha256 } : {}),
        ...('maxSize' in entry && entry.maxSize !== undefined ? { maxSizeBytes: entry.maxSize } : {}),
      });
    }
  }
  const phases: Phase[] = data.phases?.map(toPhase) ?? [{ name: 'main', steps: data.steps! }];
  return {
    name,
    file: absFile,
    description: data.description ?? '',
    append: data.image.append,
    imageFiles,
    profiles: data.profiles ?? [data.profile ?? DEFAULT_PROFILE],
    memoryMiB: data.memory,
    bootOrder: data.bootOrder,
    backends: data.backends,
    timeoutMs: data.timeout,
    stepTimeoutMs: data.stepTimeout,
    failOn: [...(data.defaultFailOn ? DEFAULT_FAIL_ON : []), ...data.failOn],
    goldenDir: data.goldens ? resolvePath(dir, data.goldens) : defaultGoldenDir(dir),
    expect: data.expect,
    phases,
    guestClock: data.guestClock ?? phases.some((p) => p.guestBudget),
  };
}

function toPhase(p: NonNullable<ScenarioData['phases']>[number]): Phase {
  const b = p.budget;
  const guest = b && (b.guest !== undefined || b.instructions !== undefined) ? { ...(b.guest !== undefined ? { ms: b.guest } : {}), ...(b.instructions !== undefined ? { instructions: b.instructions } : {}) } : undefined;
  return { name: p.name, ...(b?.wall !== undefined ? { budgetMs: b.wall } : {}), ...(guest ? { guestBudget: guest } : {}), steps: p.steps };
}

function resolvePath(dir: string, path: string): string {
  return isAbsolute(path) ? path : join(dir, path);
}

/** The nearest golden-screens/ above the scenario, else the project's own. */
function defaultGoldenDir(dir: string): string {
  return findUpward(dir, 'golden-screens') ?? join(PROJECT_ROOT, 'golden-screens');
}
