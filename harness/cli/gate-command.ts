/** `bootgate gate [preset...]`: the same as `bootgate run` on the presets' folders (default: every bundled preset). */
import { findPresetDir, listPresetNames } from '../preset/load-preset.js';
import { runCommand, type RunCommandOptions, type RunEnvironment } from './run-command.js';

export function gateCommand(presetArgs: readonly string[], options: RunCommandOptions, env: RunEnvironment = {}): Promise<number> {
  const dirs = (presetArgs.length ? presetArgs : listPresetNames()).map((ref) => findPresetDir(ref));
  return runCommand(dirs, options, env);
}
