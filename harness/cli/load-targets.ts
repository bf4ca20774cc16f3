/**
 * What `run` was pointed at: scenario files, and preset folders (their preset.yaml), which stand
 * for the preset's gate scenario plus any scenarios in the preset's scenarios/ folder.
 */
import { basename, dirname } from 'node:path';
import { gateScenario } from '../preset/gate-scenario.js';
import { loadPreset, PRESET_FILE, type LoadedPreset } from '../preset/load-preset.js';
import { findScenarioFiles } from '../scenario/find-scenarios.js';
import { loadScenario } from '../scenario/load-scenario.js';
import type { Scenario } from '../scenario/scenario.js';

export interface Targets {
  readonly scenarios: Scenario[];
  readonly presets: LoadedPreset[];
}

export function loadTargets(paths: readonly string[]): Targets {
  const scenarios: Scenario[] = [];
  const presets: LoadedPreset[] = [];
  for (const file of findScenarioFiles(paths)) {
    if (basename(file) === PRESET_FILE) {
      const preset = loadPreset(dirname(file));
      presets.push(preset);
      scenarios.push(gateScenario(preset));
    } else {
      scenarios.push(loadScenario(file));
    }
  }
  return { scenarios, presets };
}
