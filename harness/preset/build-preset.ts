/**
 * The public API of preset building: `buildPreset(presetDir)` turns a preset's recipe into an
 * image in the cache, or returns the cached one when nothing that goes into it has changed.
 *
 * Steps: load + validate → check host tools → make apt see the recipe's architecture → resolve
 * package versions → recipe hash → cache lookup → download + unpack .debs → initramfs → ISO →
 * manifest.json → atomic commit into the cache.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { ConfigError } from '../errors.js';
import { BUILDER_VERSION } from './builder-version.js';
import { buildInitramfs } from './build-initramfs.js';
import { buildIso } from './build-iso.js';
import { buildToolVersions, ensureBuildTools } from './build-tools.js';
import { downloadPackage, ensureArchitecture, extractPackage, resolveDependency, resolveVersions, type PackageRequest } from './debian-packages.js';
import { collectModules } from './kernel-modules.js';
import { resolveClosure } from './package-closure.js';
import { matchInPackage } from './package-path.js';
import { JsonMemo } from '../util/json-memo.js';
import { aptStateKey } from './apt-state-key.js';
import { ImageCache } from './image-cache.js';
import { sha256File } from '../util/sha256-file.js';
import { MANIFEST_FILE, writeManifest, type ImageManifest } from './image-manifest.js';
import { loadPreset, type LoadedPreset } from './load-preset.js';
import { hashPreset, sha256, type ResolvedPackage } from './recipe-hash.js';

export { ensureBuildTools } from './build-tools.js';
export type { ImageManifest } from './image-manifest.js';

export type BuildStep = 'load' | 'resolve' | 'cached' | 'download' | 'extract' | 'initramfs' | 'image' | 'done' | 'note';

export interface BuildProgress {
  readonly preset: string;
  readonly step: BuildStep;
  readonly message: string;
}

export interface BuildOptions {
  /** Called at each step with a one-line message, for the CLI's progress output. */
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Rebuild even when the cache holds an image for the same recipe hash. Default false. */
  readonly force?: boolean;
  /** The cache folder. Default: $BOOTGATE_CACHE, else ~/.cache/bootgate. */
  readonly cacheDir?: string;
}

export interface BuildResult {
  readonly imagePath: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** True when the image came from the cache and nothing was built. */
  readonly cached: boolean;
  /** The recipe hash (sha256 hex) the image is cached under. */
  readonly hash: string;
  readonly manifest: ImageManifest;
}

export async function buildPreset(presetDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const loaded = loadPreset(presetDir);
  const { preset } = loaded;
  const progress = (step: BuildStep, message: string) => options.onProgress?.({ preset: preset.name, step, message });
  progress('load', `${preset.name}: ${loaded.file}`);

  await ensureBuildTools();
  const cache = new ImageCache(options.cacheDir);
  const packages = await resolvePackages(loaded, new JsonMemo(join(cache.root, 'resolved.json')), (m) => progress('resolve', m));
  const closure = await resolveClosurePackages(loaded, new JsonMemo(join(cache.root, 'closures.json')), (m) => progress('resolve', m));
  // A preset without a closure hashes exactly as before closures existed.
  const hash = await hashPreset(loaded, [...packages.map((p) => p.resolved), ...closure]);
  progress('resolve', `recipe hash ${hash.slice(0, 16)} (${packages.map((p) => `${p.resolved.name}=${p.resolved.version}`).join(', ')}${closure.length ? `; closure of ${closure.length} packages` : ''})`);

  await cache.sweep();
  if (!options.force) {
    const hit = await cache.lookup(preset.name, hash);
    if (hit) {
      progress('cached', `${hit.imagePath} (${mib(hit.manifest.image.sizeBytes)}, sha256 ${hit.manifest.image.sha256})`);
      return result(hit.imagePath, hit.manifest, true);
    }
  }

  const started = Date.now();
  const staging = await cache.begin(preset.name, hash);
  const work = await cache.scratch(preset.name);
  try {
    const manifest = await buildInto(loaded, packages, closure, hash, { cache, staging, work, progress });
    await writeManifest(join(staging, MANIFEST_FILE), { ...manifest, buildMs: Date.now() - started });
    const entry = await cache.commit(staging, preset.name, hash, { replace: options.force === true });
    const m = entry.manifest;
    const overBudget = m.image.sizeBytes > preset.budgets.imageMiB * 1024 * 1024;
    if (overBudget) progress('note', `image is ${mib(m.image.sizeBytes)}, over its ${preset.budgets.imageMiB} MiB budget`);
    progress('done', `${entry.imagePath} (${mib(m.image.sizeBytes)}, sha256 ${m.image.sha256}) in ${(m.buildMs / 1000).toFixed(1)} s`);
    return result(entry.imagePath, m, false);
  } catch (e) {
    await cache.discard(staging);
    throw e;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A recipe package as fetched: `recipeName` is how the recipe refers to it. */
interface RecipePackage {
  readonly recipeName: string;
  readonly resolved: ResolvedPackage;
}

/**
 * Every recipe package with the version apt resolves for it now (or the pinned one). Remembered
 * while apt's lists and preferences stay the same, so a cache hit costs no apt-cache call.
 */
async function resolvePackages(loaded: LoadedPreset, memo: JsonMemo<RecipePackage[]>, log: (m: string) => void): Promise<RecipePackage[]> {
  const { recipe } = loaded.preset;
  const requests = recipe.packages.map((p) => ({ name: p.name, arch: p.arch ?? recipe.architecture, version: p.version, follow: p.follow }));
  for (const arch of new Set(requests.map((r) => r.arch))) await ensureArchitecture(arch, log);
  const key = sha256(JSON.stringify({ apt: await aptStateKey(), requests }));
  const remembered = await memo.get(key);
  if (remembered?.length === requests.length && remembered.every((p, i) => p.recipeName === requests[i]!.name)) return remembered;
  const resolved = await resolveWithApt(loaded, requests, log);
  await memo.set(key, resolved);
  return resolved;
}

async function resolveWithApt(loaded: LoadedPreset, requests: readonly PackageRequest[], log: (m: string) => void): Promise<RecipePackage[]> {
  const { recipe } = loaded.preset;
  const versions = await resolveVersions(requests);
  const out: RecipePackage[] = [];
  for (const [i, req] of requests.entries()) {
    const version = versions[i];
    const field = `recipe.packages.${i}`;
    if (version === undefined) {
      const what = req.version === undefined ? `${req.name}:${req.arch}` : `${req.name}:${req.arch} version ${req.version}`;
      throw new ConfigError(`apt knows no Debian package ${what}`, { file: loaded.file, field });
    }
    let resolved: ResolvedPackage = { name: req.name, arch: req.arch, version };
    if (recipe.packages[i]!.follow === 'depends') {
      try {
        resolved = await resolveDependency(resolved);
      } catch (e) {
        throw new ConfigError(`cannot follow ${req.name}: ${(e as Error).message}`, { file: loaded.file, field: `${field}.follow` });
      }
      log(`${req.name} ${version} stands for ${resolved.name} ${resolved.version}`);
    }
    out.push({ recipeName: req.name, resolved });
  }
  return out;
}

/**
 * The packages of recipe.initramfs.closure with their whole Depends closure, at the versions apt
 * resolves now; remembered like the recipe's own packages while apt's state is unchanged.
 */
async function resolveClosurePackages(loaded: LoadedPreset, memo: JsonMemo<ResolvedPackage[]>, log: (m: string) => void): Promise<ResolvedPackage[]> {
  const spec = loaded.preset.recipe.initramfs.closure;
  if (!spec) return [];
  const arch = loaded.preset.recipe.architecture;
  await ensureArchitecture(arch, log);
  const key = sha256(JSON.stringify({ apt: await aptStateKey(), closure: { packages: spec.packages, exclude: spec.exclude, arch } }));
  const remembered = await memo.get(key);
  if (remembered) return remembered;
  log(`resolving the Depends closure of ${spec.packages.join(', ')}`);
  const result = await resolveClosure({ packages: spec.packages, exclude: spec.exclude, arch }).catch((e: Error) => {
    throw new ConfigError(e.message, { file: loaded.file, field: 'recipe.initramfs.closure.packages' });
  });
  if (result.dropped.length) log(`excluded dependencies: ${result.dropped.join('; ')}`);
  await memo.set(key, [...result.packages]);
  return [...result.packages];
}

interface BuildContext {
  readonly cache: ImageCache;
  readonly staging: string;
  readonly work: string;
  readonly progress: (step: BuildStep, message: string) => void;
}

async function buildInto(
  loaded: LoadedPreset,
  packages: readonly RecipePackage[],
  closure: readonly ResolvedPackage[],
  hash: string,
  ctx: BuildContext,
): Promise<ImageManifest> {
  const { preset, file } = loaded;
  const { recipe } = preset;
  const manifestPackages: ImageManifest['packages'] = [];
  const roots = new Map<string, string>();
  for (const { recipeName, resolved: p } of packages) {
    ctx.progress('download', `${p.name}:${p.arch} ${p.version}`);
    const deb = await downloadPackage(p, ctx.cache.debsDir);
    manifestPackages.push({ ...p, debSha256: await sha256File(deb) });
    ctx.progress('extract', `${p.name}`);
    const root = join(ctx.work, 'packages', p.name);
    await extractPackage(deb, root);
    roots.set(recipeName, root);
  }
  /** A file out of an unpacked package; a path the package lacks is the recipe's mistake. */
  const fromPackage = async (pkg: string, path: string, field: string): Promise<string> => {
    const matches = await matchInPackage(roots.get(pkg)!, path);
    if (matches.length !== 1) {
      const p = packages.find((x) => x.recipeName === pkg)!.resolved;
      const found = matches.length === 0 ? 'is not' : `matches ${matches.length} files`;
      throw new ConfigError(`${path} ${found} in package ${p.name} ${p.version}`, { file, field });
    }
    return matches[0]!;
  };

  const kernel = await fromPackage(recipe.kernel.package, recipe.kernel.path, 'recipe.kernel.path');
  const busybox = await fromPackage(recipe.initramfs.busybox.package, recipe.initramfs.busybox.path, 'recipe.initramfs.busybox.path');
  const files = [];
  for (const [i, f] of recipe.initramfs.files.entries()) {
    const from = f.source !== undefined ? join(loaded.dir, f.source) : await fromPackage(f.package!, f.path!, `recipe.initramfs.files.${i}.path`);
    files.push({ from, target: f.target, mode: parseInt(f.mode ?? '0644', 8) });
  }
  if (recipe.initramfs.modules) {
    const { package: pkg, load } = recipe.initramfs.modules;
    const modulesRoot = await fromPackage(pkg, '/lib/modules', 'recipe.initramfs.modules.package');
    const set = await collectModules(modulesRoot, load).catch((e: Error) => {
      throw new ConfigError(e.message, { file, field: 'recipe.initramfs.modules.load' });
    });
    for (const rel of set.files) files.push({ from: join(modulesRoot, set.release, rel), target: `/lib/modules/${set.release}/${rel}`, mode: 0o644 });
    ctx.progress('initramfs', `kernel ${set.release}: ${set.files.length} modules for ${load.join(', ')}${set.builtin.length ? ` (built in: ${set.builtin.join(', ')})` : ''}`);
  }

  const trees: string[] = [];
  if (closure.length > 0) {
    const spec = recipe.initramfs.closure!;
    ctx.progress('download', `closure: ${closure.length} packages`);
    const downloads = new PQueue({ concurrency: 6 });
    const debs = await Promise.all(closure.map((p) => downloads.add(() => downloadPackage(p, ctx.cache.debsDir))));
    for (const [i, p] of closure.entries()) manifestPackages.push({ ...p, debSha256: await sha256File(debs[i]!) });
    // One tree, unpacked in name order: where two packages ship the same path, the later wins.
    const root = join(ctx.work, 'closure');
    ctx.progress('extract', `closure: ${closure.length} packages`);
    for (const deb of debs) await extractPackage(deb, root);
    let pruned = 0;
    for (const pattern of spec.prune) {
      for (const path of await matchInPackage(root, pattern)) {
        await rm(path, { recursive: true, force: true });
        pruned++;
      }
    }
    ctx.progress('extract', `closure unpacked; ${pruned} paths pruned`);
    trees.push(root);
  }

  const initrd = join(ctx.work, 'initrd.gz');
  await mkdir(join(ctx.work, 'stage'));
  const ramfs = await buildInitramfs({ busybox, files, trees, workDir: join(ctx.work, 'stage'), out: initrd });
  ctx.progress(
    'initramfs',
    `${ramfs.applets} BusyBox applets, ${files.length} files${trees.length ? `, ${ramfs.merged} from the closure` : ''}, ${mib(ramfs.sizeBytes)}`,
  );

  const imageFile = `${preset.name}.iso`;
  const imagePath = join(ctx.staging, imageFile);
  await mkdir(join(ctx.work, 'iso'));
  await buildIso({
    kernel,
    initramfs: initrd,
    isolinux: {
      isolinuxBin: await fromPackage('isolinux', '/usr/lib/ISOLINUX/isolinux.bin', 'recipe.bootloader'),
      isohdpfx: await fromPackage('isolinux', '/usr/lib/ISOLINUX/isohdpfx.bin', 'recipe.bootloader'),
      ldlinuxC32: await fromPackage('syslinux-common', '/usr/lib/syslinux/modules/bios/ldlinux.c32', 'recipe.bootloader'),
    },
    commandLine: recipe.commandLine,
    timeoutSeconds: recipe.bootloader.timeoutSeconds,
    volumeId: preset.image.volumeId,
    workDir: join(ctx.work, 'iso'),
    out: imagePath,
  });
  const sizeBytes = (await stat(imagePath)).size;
  ctx.progress('image', `${imageFile}: ${mib(sizeBytes)}`);

  const sources: ImageManifest['sources'] = [];
  for (const rel of loaded.sources) sources.push({ path: rel, sha256: sha256(await readFile(join(loaded.dir, rel))) });
  return {
    preset: preset.name,
    hash,
    builderVersion: BUILDER_VERSION,
    image: { file: imageFile, kind: preset.image.kind, sizeBytes, sha256: await sha256File(imagePath) },
    packages: manifestPackages,
    sources,
    commandLine: recipe.commandLine,
    tools: await buildToolVersions(),
    builtAt: new Date().toISOString(),
    buildMs: 0,
  };
}

function result(imagePath: string, manifest: ImageManifest, cached: boolean): BuildResult {
  return { imagePath, sizeBytes: manifest.image.sizeBytes, sha256: manifest.image.sha256, cached, hash: manifest.hash, manifest };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
