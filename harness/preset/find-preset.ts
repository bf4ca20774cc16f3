/** The preset a scenario names: the nearest presets/ above the scenario, else the project's. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findUpward } from '../util/find-upward.js';
import { PRESET_FILE, PROJECT_PRESETS } from './load-preset.js';

export function findScenarioPresetDir(name: string, fromDir: string): string | undefined {
  for (const root of [findUpward(fromDir, 'presets'), PROJECT_PRESETS]) {
    if (root && existsSync(join(root, name, PRESET_FILE))) return join(root, name);
  }
  return undefined;
}
