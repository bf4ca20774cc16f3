/**
 * Debian packages as recipe inputs, through apt's ordinary clients: make sure the architecture's
 * package lists exist (`dpkg --add-architecture` + `apt-get update`, root only), resolve the
 * candidate version (`apt-cache policy`), fetch the .deb (`apt-get download`) into a shared cache
 * folder and unpack it (`dpkg-deb -x`). Nothing is installed on the host.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { InfraError } from '../errors.js';
import type { ResolvedPackage } from './recipe-hash.js';

export const APT_LISTS_DIR = '/var/lib/apt/lists';

/** apt's output is parsed: keep it in English whatever the host's locale. */
const APT_ENV = { LC_ALL: 'C', LANG: 'C', LANGUAGE: '' };

export interface PackageRequest {
  readonly name: string;
  /** A Debian architecture (`i386`) or `all`. */
  readonly arch: string;
  /** An exact version to insist on; otherwise apt's candidate. */
  readonly version?: string;
}

export type AptLog = (message: string) => void;

/** How long a build waits for another process's apt-get update: 40 × 3 s. */
const APT_LOCK_RETRIES = 40;
const APT_LOCK_WAIT_MS = 3000;

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export async function nativeArchitecture(): Promise<string> {
  return (await execa('dpkg', ['--print-architecture'])).stdout.trim();
}

/** True when `apt-get update` has fetched package lists for `arch` (`all` lives in the native lists). */
export function hasPackageLists(arch: string, listsDir = APT_LISTS_DIR): Promise<boolean> {
  return readdir(listsDir).then(
    (names) => names.some((n) => n.includes(`_binary-${arch}_Packages`)),
    () => false,
  );
}

/**
 * Makes apt able to see packages of `arch`: adds the foreign architecture and fetches its lists
 * when they are missing. Both need root; without it this refuses with the commands to run.
 */
export async function ensureArchitecture(arch: string, log: AptLog = () => {}): Promise<void> {
  const native = await nativeArchitecture();
  const listArch = arch === 'all' ? native : arch;
  if (arch !== 'all' && arch !== native) {
    const foreign = (await execa('dpkg', ['--print-foreign-architectures'])).stdout.split(/\s+/);
    if (!foreign.includes(arch)) {
      requireRoot(`dpkg architecture ${arch} is not enabled`, `dpkg --add-architecture ${arch} && apt-get update`);
      log(`dpkg --add-architecture ${arch}`);
      const add = await execa('dpkg', ['--add-architecture', arch], { reject: false });
      const now = (await execa('dpkg', ['--print-foreign-architectures'])).stdout.split(/\s+/);
      if (!now.includes(arch)) throw new InfraError(`dpkg --add-architecture ${arch} failed: ${lastLine(add.stderr)}`);
    }
  }
  if (await hasPackageLists(listArch)) return;
  requireRoot(`apt has no package lists for ${listArch}`, 'apt-get update');
  log('apt-get update');
  // apt-get update exits non-zero when any one mirror fails (e.g. mid-sync), even though the
  // lists we need arrived: judge by the lists, and quote apt only when they are still missing.
  // Two builds started together (parallel test workers on a fresh machine) both get here: the
  // second finds apt's lock taken, so it waits for the first one's lists instead of failing.
  let update = await execa('apt-get', ['update'], { env: APT_ENV, reject: false });
  for (let i = 0; i < APT_LOCK_RETRIES && /Could not get lock/.test(update.stderr) && !(await hasPackageLists(listArch)); i++) {
    await delay(APT_LOCK_WAIT_MS);
    if (await hasPackageLists(listArch)) break;
    update = await execa('apt-get', ['update'], { env: APT_ENV, reject: false });
  }
  if (!(await hasPackageLists(listArch))) {
    throw new InfraError(`apt-get update did not fetch package lists for ${listArch}: ${lastLine(update.stderr || update.stdout)}`);
  }
  if (update.exitCode !== 0) log(`apt-get update partly failed, continuing with the lists it has: ${lastLine(update.stderr)}`);
}

/**
 * The version apt would fetch for each request, in order: the pinned one if apt lists it, else
 * the candidate; undefined when apt knows no such package (or not that version) for that
 * architecture. One `apt-cache policy` call for all of them: each call costs about a second.
 */
export async function resolveVersions(reqs: readonly PackageRequest[]): Promise<(string | undefined)[]> {
  if (reqs.length === 0) return [];
  const policy = await execa('apt-cache', ['policy', ...reqs.map((r) => `${r.name}:${r.arch}`)], { env: APT_ENV, reject: false });
  const blocks = parsePolicy(policy.stdout);
  return reqs.map((r) => {
    const block = blocks.get(`${r.name}:${r.arch}`) ?? blocks.get(r.name);
    if (!block) return undefined;
    if (r.version !== undefined) return block.versions.includes(r.version) ? r.version : undefined;
    return block.candidate;
  });
}

interface PolicyBlock {
  candidate?: string;
  versions: string[];
}

/**
 * Pure: `apt-cache policy` output by package header. apt writes `name:` for native and
 * arch-independent packages and `name:arch:` for foreign ones.
 */
export function parsePolicy(text: string): Map<string, PolicyBlock> {
  const blocks = new Map<string, PolicyBlock>();
  let current: PolicyBlock | undefined;
  for (const line of text.split('\n')) {
    const header = /^(\S+):$/.exec(line);
    if (header) {
      current = { versions: [] };
      blocks.set(header[1]!, current);
      continue;
    }
    if (!current) continue;
    const candidate = /^\s+Candidate:\s*(\S+)/.exec(line);
    if (candidate) {
      if (candidate[1] !== '(none)') current.candidate = candidate[1];
      continue;
    }
    // Version table rows: " *** 1:1.35.0-4 500" or "     1:1.35.0-4 500"; the source rows below them are deeper.
    const row = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line);
    if (row) current.versions.push(row[1]!);
  }
  return blocks;
}

/**
 * The package a metapackage stands for: the single entry of its Depends, at the version that
 * entry pins (`= v`), else at apt's candidate. Throws when the metapackage depends on more
 * than one package or on alternatives: then there is no one package to follow.
 */
export async function resolveDependency(meta: ResolvedPackage): Promise<ResolvedPackage> {
  const show = await execa('apt-cache', ['show', `${meta.name}:${meta.arch}=${meta.version}`], { env: APT_ENV, reject: false });
  const depends = /^Depends:\s*(.*)$/m.exec(show.stdout)?.[1];
  if (show.exitCode !== 0 || depends === undefined) throw new Error(`${meta.name} ${meta.version} has no Depends to follow`);
  const dep = parseSingleDependency(depends);
  const arch = meta.arch;
  const via = `${meta.name}=${meta.version}`;
  if (dep.version !== undefined) return { name: dep.name, arch, version: dep.version, via };
  const [version] = await resolveVersions([{ name: dep.name, arch }]);
  if (version === undefined) throw new Error(`${meta.name} depends on ${dep.name}, which apt cannot find for ${arch}`);
  return { name: dep.name, arch, version, via };
}

/** Pure: `name (= version)` out of a Depends field that must name exactly one package. */
export function parseSingleDependency(depends: string): { name: string; version?: string } {
  const entries = depends.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length !== 1 || entries[0]!.includes('|')) throw new Error(`Depends "${depends}" does not name exactly one package`);
  const m = /^([a-z0-9][a-z0-9+.-]+)(?::\S+)?\s*(?:\((=|>=|<=|>>|<<)\s*([^)\s]+)\s*\))?$/.exec(entries[0]!);
  if (!m) throw new Error(`cannot read Depends "${depends}"`);
  return m[2] === '=' ? { name: m[1]!, version: m[3]! } : { name: m[1]! };
}

/** The file name apt-get download gives a package (the epoch's colon becomes %3a). */
export function debFileName(p: ResolvedPackage): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${p.arch}.deb`;
}

/**
 * Fetches the .deb into `debsDir` unless it is already there, and returns its path. The download
 * lands in a private temporary folder first, so a file in `debsDir` is always complete.
 */
export async function downloadPackage(p: ResolvedPackage, debsDir: string): Promise<string> {
  const dest = join(debsDir, debFileName(p));
  if (existsSync(dest)) return dest;
  await mkdir(debsDir, { recursive: true });
  const tmp = await mkdtemp(join(debsDir, '.download-'));
  try {
    // As root apt drops to the _apt user, who cannot write into our private folder: stay root.
    const sandbox = isRoot() ? ['-o', 'APT::Sandbox::User=root'] : [];
    const run = await execa('apt-get', [...sandbox, 'download', `${p.name}:${p.arch}=${p.version}`], { cwd: tmp, env: APT_ENV, reject: false });
    const debs = (await readdir(tmp)).filter((n) => n.endsWith('.deb'));
    if (run.exitCode !== 0 || debs.length !== 1) {
      throw new InfraError(
        `apt-get download ${p.name}:${p.arch}=${p.version} failed: ${lastLine(run.stderr || run.stdout)} (stale package lists? run apt-get update)`,
      );
    }
    await rename(join(tmp, debs[0]!), dest);
    return dest;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Unpacks a .deb's files (not its scripts) under `dest`. */
export async function extractPackage(debPath: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  const run = await execa('dpkg-deb', ['-x', debPath, dest], { reject: false });
  if (run.exitCode !== 0) throw new InfraError(`dpkg-deb -x ${debPath} failed: ${lastLine(run.stderr)}`);
}

function requireRoot(problem: string, fix: string): void {
  if (!isRoot()) throw new InfraError(`${problem}; as root, run: ${fix}`);
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}
