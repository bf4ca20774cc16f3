import { describe, expect, it } from 'vitest';
import { killAllNow, liveCount, registerCleanup } from '../../harness/machine/cleanup-registry.js';

describe('cleanup registry', () => {
  it('runs every registered kill once on demand, and installs signal handlers only while something is registered', () => {
    const before = process.listenerCount('SIGTERM');
    const calls: string[] = [];
    const offA = registerCleanup(() => calls.push('a'));
    const offB = registerCleanup(() => {
      calls.push('b');
      throw new Error('already gone');
    });
    expect(liveCount()).toBe(2);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    killAllNow();
    expect(calls).toEqual(['a', 'b']);
    offA();
    offB();
    expect(liveCount()).toBe(0);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
