import { describe, expect, it } from 'vitest';
import { applyDifferences, describe as describeDifference, profileDifferences, type ProfilePair } from '../../harness/bisect/profile-differences.js';
import { smallestFailingSet, type Verdict } from '../../harness/bisect/smallest-failing-set.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';
import { join } from 'node:path';

const profile = (name: string) => loadProfileFile(join(PROJECT_VM_CONFIGS, `${name}.yaml`));

/** What QEMU 7.2 expands pentium3 and pentium to, cut to the properties that differ and one that does not. */
const P3 = { cmov: true, sse: true, fxsr: true, mmx: true, family: 6, model: 7 };
const P5 = { cmov: false, sse: false, fxsr: false, mmx: true, family: 5, model: 4 };

describe('the differences between two profiles', () => {
  const pair: ProfilePair = { good: profile('p3-i440fx'), bad: profile('p5-i440fx'), goodCpu: P3, badCpu: P5 };

  it('are CPU features, the CPU model, and each profile field that differs', () => {
    expect(profileDifferences(pair).map(describeDifference)).toEqual([
      'cpu cmov on→off',
      'cpu fxsr on→off',
      'cpu sse on→off',
      'cpu model pentium3→pentium: family 6→5, model 7→4',
      'memory 128→32',
      'vga std→cirrus',
    ]);
  });

  it('apply to the good profile as QEMU -cpu flags on whichever model is in use', () => {
    const d = profileDifferences(pair);
    const byName = (n: string) => d.find((x) => describeDifference(x).startsWith(n))!;
    expect(applyDifferences(pair, [byName('cpu cmov')], 'try').cpu).toBe('pentium3,cmov=off');
    expect(applyDifferences(pair, [byName('cpu model')], 'try').cpu).toBe('pentium,cmov=on,fxsr=on,sse=on');
    const all = applyDifferences(pair, d, 'try');
    expect(all).toMatchObject({ cpu: 'pentium', memoryMiB: 32, vga: 'cirrus', name: 'try' });
    expect(applyDifferences(pair, [], 'try')).toMatchObject({ cpu: 'pentium3', memoryMiB: 128, vga: 'std' });
  });
});

describe('the smallest failing set', () => {
  /** A tester that fails when the set holds all of `cause`, and counts its tries. */
  const tester = (cause: readonly number[]) => {
    const tried: number[][] = [];
    return {
      tried,
      run: async (sets: readonly (readonly number[])[]): Promise<Verdict[]> =>
        sets.map((s) => {
          tried.push([...s]);
          return cause.every((c) => s.includes(c)) ? 'fail' : 'pass';
        }),
    };
  };

  it('is one difference when one fails alone, and names every one that does', async () => {
    const t = tester([3]);
    const found = await smallestFailingSet([1, 2, 3, 4, 5], t.run);
    expect(found).toEqual({ set: [3], singles: [3] });
    expect(t.tried).toHaveLength(5);
  });

  it('is found in halves when only two together fail, and is 1-minimal', async () => {
    const t = tester([2, 7]);
    const found = await smallestFailingSet([1, 2, 3, 4, 5, 6, 7, 8], t.run);
    expect([...found.set].sort()).toEqual([2, 7]);
    expect(found.singles).toEqual([]);
    expect(t.tried.length).toBeLessThan(30);
  });

  it('treats an unresolved try (a profile the backend cannot run) as not failing', async () => {
    const found = await smallestFailingSet([1, 2], async (sets) => sets.map((s) => (s.length === 2 ? 'fail' : 'unresolved')));
    expect(found.set).toEqual([1, 2]);
  });
});
