/**
 * Scenarios may boot a reference preset's image (`cdrom: {preset: mini-shell}`). Before a run,
 * each such preset is built, or taken from the cache when its recipe hash is unchanged, and the
 * scenario gets the image's path and the preset's size budget.
 */
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Scenario } from '../scenario/scenario.js';
import { PromiseMemo } from '../util/promise-memo.js';
import { buildPreset, type BuildOptions, type BuildResult } from './build-preset.js';
import { loadPreset, PRESET_FILE } from './load-preset.js';
import { findScenarioPresetDir } from './find-preset.js';

export async function resolvePresetImages(scenarios: readonly Scenario[], options: BuildOptions = {}): Promise<Scenario[]> {
  const built = new PromiseMemo<{ build: BuildResult; maxSizeBytes: number }>();
  const buildOnce = (dir: string) =>
    built.get(dir, async () => ({ build: await buildPreset(dir, options), maxSizeBytes: loadPreset(dir).preset.budgets.imageMiB * 1024 * 1024 }));
  const out: Scenario[] = [];
  for (const scenario of scenarios) {
    const imageFiles = [];
    for (const file of scenario.imageFiles) {
      if (!file.preset) {
        imageFiles.push(file);
        continue;
      }
      const dir = findScenarioPresetDir(file.preset, dirname(file.declaredIn ?? scenario.file));
      if (!dir) throw new ConfigError(`no preset named "${file.preset}" (looked for presets/${file.preset}/${PRESET_FILE})`, { file: scenario.file, field: `image.${file.role}.preset` });
      const { build, maxSizeBytes } = await buildOnce(dir);
      imageFiles.push({ ...file, path: build.imagePath, sha256: build.sha256, maxSizeBytes: file.maxSizeBytes ?? maxSizeBytes });
    }
    out.push({ ...scenario, imageFiles });
  }
  return out;
}
