import { describe, expect, it } from 'vitest';
import { groupDigits } from '../../harness/util/group-digits.js';

describe('groupDigits', () => {
  it('writes counts as toLocaleString("en-US") does', () => {
    const counts = [0, 7, 999, 1000, 12345, 999999, 1000000, 5_000_000_000, -1, -1234, -999999, Number.MAX_SAFE_INTEGER];
    for (let digits = 1; digits <= 16; digits++) counts.push(Math.floor(Math.random() * 10 ** digits));
    for (const n of counts) expect(groupDigits(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
