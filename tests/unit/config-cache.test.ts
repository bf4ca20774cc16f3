import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ScenarioError } from '../../harness/errors.js';
import { PRESET_FORMAT } from '../../harness/preset/preset-schema.js';
import { findScenarioFiles } from '../../harness/scenario/find-scenarios.js';
import { SCENARIO_FORMAT } from '../../harness/scenario/scenario-schema.js';
import { readYamlFile, type ConfigFormat } from '../../harness/config/yaml-file.js';
import { ConfigCache } from '../../harness/util/config-cache.js';
import { PROJECT_ROOT } from '../../harness/util/project-root.js';
import { PROFILE_FORMAT } from '../../harness/vm-config/profile-schema.js';

describe('the config cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bg-config-cache-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A format that counts the validations it is asked for (each asks for its schema). */
  function countingFormat(): ConfigFormat<z.ZodType<{ n: number; re: RegExp }>> & { validations: number } {
    const format = {
      kind: 'test',
      validations: 0,
      schema: () => {
        format.validations++;
        return z.strictObject({ n: z.number(), re: z.string().transform((s) => new RegExp(s, 'm')) });
      },
    };
    return format;
  }

  it('gives back what was validated, RegExps included, without building the schema again', async () => {
    const file = join(dir, 'a.yaml');
    await writeFile(file, 'n: 1\nre: "^x$"\n');
    const cache = new ConfigCache(join(dir, 'cache'), 'build-1');
    const format = countingFormat();
    const first = readYamlFile(file, format, undefined, cache);
    const again = readYamlFile(file, format, undefined, cache);
    expect(format.validations).toBe(1);
    expect(again).toEqual(first);
    expect(again.re).toBeInstanceOf(RegExp);
    expect(again.re.test('a\nx\nb')).toBe(true);
  });

  it('validates afresh when the text changed, and never keeps a file that failed', async () => {
    const file = join(dir, 'a.yaml');
    const cache = new ConfigCache(join(dir, 'cache'), 'build-1');
    const format = countingFormat();
    await writeFile(file, 'n: 1\nre: x\n');
    expect(readYamlFile(file, format, undefined, cache).n).toBe(1);
    await writeFile(file, 'n: 2\nre: x\n');
    expect(readYamlFile(file, format, undefined, cache).n).toBe(2);
    await writeFile(file, 'n: oops\nre: x\n');
    expect(() => readYamlFile(file, format, ScenarioError, cache)).toThrow(/a\.yaml:1:4: n: /);
    expect(() => readYamlFile(file, format, ScenarioError, cache)).toThrow(ScenarioError);
    expect(format.validations).toBe(4); // the failing text, twice: a failure is never kept
  });

  it('trusts only its own build, and its first write keeps the newest few other builds only', async () => {
    const file = join(dir, 'a.yaml');
    await writeFile(file, 'n: 1\nre: x\n');
    const root = join(dir, 'cache');
    const format = countingFormat();
    readYamlFile(file, format, undefined, new ConfigCache(root, 'build-1'));
    // Older builds, each a minute older than the next; build-1 (just written) is the newest.
    for (let i = 0; i < 4; i++) {
      await mkdir(join(root, `old-${i}`));
      const at = new Date(Date.now() - (i + 1) * 60_000);
      await utimes(join(root, `old-${i}`), at, at);
    }
    const next = new ConfigCache(root, 'build-2');
    expect(next.get('test', file, 'n: 1\nre: x\n')).toBeUndefined();
    readYamlFile(file, format, undefined, next);
    expect(format.validations).toBe(2);
    expect(readdirSync(root).sort()).toEqual(['build-1', 'build-2', 'old-0', 'old-1']);
    // The older build still finds its own entry.
    expect(new ConfigCache(root, 'build-1').get('test', file, 'n: 1\nre: x\n')).toEqual(readYamlFile(file, format, undefined, next));
  });

  it('keeps nothing for a path too long for a file name', async () => {
    const deep = join(dir, 'd'.repeat(120), 'e'.repeat(120));
    await mkdir(deep, { recursive: true });
    const file = join(deep, 'a.yaml');
    await writeFile(file, 'n: 1\nre: x\n');
    const cache = new ConfigCache(join(dir, 'cache'), 'build-1');
    readYamlFile(file, countingFormat(), undefined, cache);
    expect(existsSync(join(dir, 'cache'))).toBe(false);
  });

  // A value from the cache went through JSON: every shipped config must come back as validated.
  it('gives back every bundled scenario, profile and preset exactly as validated', () => {
    const cache = new ConfigCache(join(dir, 'cache'), 'build-1');
    const configs: [string, ConfigFormat<z.ZodType>][] = [
      ...findScenarioFiles([join(PROJECT_ROOT, 'scenarios')]).map((f) => [f, SCENARIO_FORMAT] as [string, ConfigFormat<z.ZodType>]),
      ...readdirSync(join(PROJECT_ROOT, 'vm-configs')).map((f) => [join(PROJECT_ROOT, 'vm-configs', f), PROFILE_FORMAT] as [string, ConfigFormat<z.ZodType>]),
      ...readdirSync(join(PROJECT_ROOT, 'presets')).map((p) => [join(PROJECT_ROOT, 'presets', p, 'preset.yaml'), PRESET_FORMAT] as [string, ConfigFormat<z.ZodType>]),
    ];
    expect(configs.length).toBeGreaterThan(10);
    for (const [file, format] of configs) {
      const validated = readYamlFile(file, format, undefined, cache);
      expect(readYamlFile(file, { ...format, schema: () => z.never() }, undefined, cache), file).toEqual(validated);
    }
  });
});
