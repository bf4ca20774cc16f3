/**
 * A whole number a person typed: a flag's value, or an argument at repro's prompt. Digits only,
 * so an empty value, `1e3`, `0x10` or ` 3` is refused instead of read as 0, 1000, 16 or 3.
 */
import { ConfigError } from '../errors.js';

export function wholeNumber(value: string, field: string, min = 0): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(`${field} must be a whole number ≥ ${min}, got "${value}"`, { field });
  return n;
}
