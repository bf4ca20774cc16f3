/** Command-line values shared by several commands, turned into typed values or a ConfigError naming the flag. */
import { ConfigError } from '../errors.js';
import { BACKENDS, type BackendName } from '../machine/machine.js';

export function parseBackends(values: readonly string[]): BackendName[] {
  return values.flatMap((v) => v.split(',')).map((b) => {
    if (!BACKENDS.includes(b as BackendName)) throw new ConfigError(`unknown backend "${b}" (known: ${BACKENDS.join(', ')})`, { field: '--backend' });
    return b as BackendName;
  });
}

export function parseGrep(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new ConfigError(`not a regular expression: ${(e as Error).message}`, { field: '--grep' });
  }
}

export function positiveNumber(value: string, field: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new ConfigError(`${field} must be a positive number, got "${value}"`, { field });
  return n;
}
