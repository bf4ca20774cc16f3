/**
 * The host tools a preset build runs, and the Debian packages that provide them. Decision: a
 * build refuses (one line naming each missing tool and its package, and the apt-get command)
 * rather than installing host packages behind the user's back; `install: true` (root only) is
 * there for setup scripts that want it. The i386 packages that go *into* images are not host
 * tools: they are downloaded, never installed (see debian-packages.ts).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { InfraError } from '../errors.js';
import { isRoot } from './debian-packages.js';

export const BUILD_TOOLS: readonly { readonly command: string; readonly debianPackage: string }[] = [
  { command: 'dpkg', debianPackage: 'dpkg' },
  { command: 'dpkg-deb', debianPackage: 'dpkg' },
  { command: 'apt-get', debianPackage: 'apt' },
  { command: 'apt-cache', debianPackage: 'apt' },
  { command: 'cpio', debianPackage: 'cpio' },
  { command: 'xorriso', debianPackage: 'xorriso' },
];

export interface EnsureBuildToolsOptions {
  /** apt-get install the missing packages when running as root, instead of refusing. Default false. */
  readonly install?: boolean;
  readonly log?: (message: string) => void;
}

export async function ensureBuildTools(options: EnsureBuildToolsOptions = {}): Promise<void> {
  let missing = await missingBuildTools();
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  if (options.install && isRoot() && !missing.some((t) => t.command === 'apt-get')) {
    options.log?.(`apt-get install -y ${packages.join(' ')}`);
    await execa('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env: { DEBIAN_FRONTEND: 'noninteractive' }, reject: false });
    missing = await missingBuildTools();
    if (missing.length === 0) return;
  }
  const list = missing.map((t) => `${t.command} (Debian package ${t.debianPackage})`).join(', ');
  throw new InfraError(`cannot build presets: missing ${list}; install with: apt-get install -y ${packages.join(' ')}`);
}

export async function missingBuildTools(path = process.env.PATH ?? ''): Promise<(typeof BUILD_TOOLS)[number][]> {
  const found = await Promise.all(BUILD_TOOLS.map((t) => onPath(t.command, path)));
  return BUILD_TOOLS.filter((_, i) => !found[i]);
}

/** First line of each tool's --version, for the manifest: tools are not hashed, but recorded. */
export async function buildToolVersions(): Promise<Record<string, string>> {
  const ask = async (cmd: string, args: string[]) => {
    const r = await execa(cmd, args, { reject: false });
    return (r.stdout || r.stderr).split('\n')[0]!.trim();
  };
  return { xorriso: await ask('xorriso', ['-version']), cpio: await ask('cpio', ['--version']), 'dpkg-deb': await ask('dpkg-deb', ['--version']) };
}

async function onPath(command: string, path: string): Promise<boolean> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      await access(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this one
    }
  }
  return false;
}
