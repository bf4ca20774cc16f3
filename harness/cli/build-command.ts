/** `bootgate build [preset...]`: builds reference images into the cache (or finds them there). */
import { buildPreset } from '../preset/build-preset.js';
import { findPresetDir, listPresetNames } from '../preset/load-preset.js';
import { formatSize } from '../config/size.js';

export async function buildCommand(presetArgs: readonly string[], options: { force?: boolean }, write = (l: string) => process.stdout.write(`${l}\n`)): Promise<number> {
  const dirs = (presetArgs.length ? presetArgs : listPresetNames()).map((ref) => findPresetDir(ref));
  for (const dir of dirs) {
    const result = await buildPreset(dir, { force: options.force ?? false, onProgress: (p) => write(`${p.preset}: ${p.step}: ${p.message}`) });
    write(`${result.manifest.preset}: ${result.cached ? 'cached' : 'built'} ${result.imagePath}, ${formatSize(result.sizeBytes)}, sha256 ${result.sha256}`);
  }
  return 0;
}
