/**
 * The guest-clock plugin (guest-clock-plugin.c) as a shared object QEMU can load: compiled on
 * first use into the cache, keyed by the hash of its source and the compiler's version, written
 * atomically (compile to a temp name, then rename), so concurrent jobs and runs share one build.
 */
import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from '../../errors.js';
import { defaultCacheRoot } from '../../util/cache-root.js';
import { PromiseMemo } from '../../util/promise-memo.js';
import { PROJECT_ROOT } from '../../util/project-root.js';
import { requireExecutable } from './find-executable.js';

export const GUEST_CLOCK_PLUGIN_SOURCE = join(PROJECT_ROOT, 'harness/machine/qemu/guest-clock-plugin.c');

const builds = new PromiseMemo<string>();

/** The path of the built plugin; compiles it once per source, compiler and cache (again after a failure: the compiler may be installed since). */
export function guestClockPlugin(cacheRoot = defaultCacheRoot()): Promise<string> {
  return builds.get(cacheRoot, () => buildPlugin(cacheRoot));
}

async function buildPlugin(cacheRoot: string): Promise<string> {
  const cc = requireExecutable('cc', 'apt-get install gcc libc6-dev (QEMU guest-time budgets compile a small TCG plugin)');
  const [source, version] = await Promise.all([
    readFile(GUEST_CLOCK_PLUGIN_SOURCE),
    execa(cc, ['--version'], { reject: false, stdin: 'ignore' }).then((r) => r.stdout),
  ]);
  const hash = createHash('sha256').update(source).update('\0').update(version).digest('hex').slice(0, 16);
  const dir = join(cacheRoot, 'qemu-plugins');
  const target = join(dir, `guest-clock-${hash}.so`);
  if (existsSync(target)) return target;
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.guest-clock-${hash}-${process.pid}-${randomBytes(4).toString('hex')}.so`);
  try {
    const result = await execa(cc, ['-O2', '-shared', '-fPIC', '-Wall', '-o', temp, GUEST_CLOCK_PLUGIN_SOURCE], { reject: false, stdin: 'ignore', all: true });
    if (result.exitCode !== 0) {
      throw new InfraError(`cannot build the QEMU guest-clock plugin with ${cc}: ${(result.all ?? '').trim().split('\n').slice(-3).join(' ')}`);
    }
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}
