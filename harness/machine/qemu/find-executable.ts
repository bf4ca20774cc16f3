/**
 * Looks a program up on PATH before spawning it, so a missing emulator is one clear infra
 * error naming the package to install, not an ENOENT from deep inside a spawn.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InfraError } from '../../errors.js';

/** The absolute path of `name` on PATH, or undefined. */
export function findExecutable(name: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}

/** Like findExecutable, but a missing program is an InfraError: `<name> not found: <hint>`. */
export function requireExecutable(name: string, installHint: string): string {
  const found = findExecutable(name);
  if (!found) throw new InfraError(`${name} not found: ${installHint}`);
  return found;
}
