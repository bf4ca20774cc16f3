import { describe, expect, it } from 'vitest';
import { wholeNumber } from '../../harness/config/whole-number.js';
import { ConfigError } from '../../harness/errors.js';

describe('wholeNumber', () => {
  it('reads digits', () => {
    expect(wholeNumber('0', '--retries')).toBe(0);
    expect(wholeNumber('12', '--jobs', 1)).toBe(12);
  });

  it.each(['', ' 3', '3 ', '1e3', '0x10', '-1', '2.5', 'two', '99999999999999999999'])('refuses %j naming the field', (value) => {
    expect(() => wholeNumber(value, '--jobs', 0)).toThrow(ConfigError);
    expect(() => wholeNumber(value, '--jobs', 0)).toThrow(`--jobs must be a whole number ≥ 0, got "${value}"`);
  });

  it('refuses a number below the least allowed', () => {
    expect(() => wholeNumber('0', '--jobs', 1)).toThrow('--jobs must be a whole number ≥ 1, got "0"');
  });
});
