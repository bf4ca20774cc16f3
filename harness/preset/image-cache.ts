/**
 * The image cache, in bootgate's cache folder (util/cache-root.ts). An image lives in
 * `images/<preset>-<hash16>/` with its manifest.json.
 *
 * Atomic by construction: a build writes into a staging folder (`images/.staging-…`) and only a
 * complete one — image and manifest written, size and sha256 checked — is renamed into place.
 * A lookup checks the same things again, so a half-built, truncated or foreign folder never counts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, readManifest, type ImageManifest } from './image-manifest.js';
import { sha256File } from '../util/sha256-file.js';
import { defaultCacheRoot } from '../util/cache-root.js';

export interface CacheEntry {
  readonly dir: string;
  readonly imagePath: string;
  readonly manifest: ImageManifest;
}

const STAGING = '.staging-';
const TRASH = '.trash-';

export class ImageCache {
  constructor(readonly root: string = defaultCacheRoot()) {}

  get imagesDir(): string {
    return join(this.root, 'images');
  }

  /** Downloaded .deb files, named as apt names them (name_version_arch.deb), shared by all presets. */
  get debsDir(): string {
    return join(this.root, 'debs');
  }

  entryDir(preset: string, hash: string): string {
    return join(this.imagesDir, `${preset}-${hash.slice(0, 16)}`);
  }

  /** The cached image for this preset and hash, if a complete and intact one is there. */
  async lookup(preset: string, hash: string): Promise<CacheEntry | undefined> {
    return verifyEntry(this.entryDir(preset, hash), preset, hash);
  }

  /** A fresh, empty staging folder for one build. Nothing in it counts until `commit`. */
  async begin(preset: string, hash: string): Promise<string> {
    await mkdir(this.imagesDir, { recursive: true });
    const dir = join(this.imagesDir, `${STAGING}${preset}-${hash.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir);
    return dir;
  }

  /**
   * Moves a finished staging folder into place. Throws when the staging folder is not complete.
   * If another build committed the same hash meanwhile, its entry wins and the staging folder is
   * dropped, unless `replace` (a forced rebuild), which swaps the old entry out first.
   */
  async commit(staging: string, preset: string, hash: string, options: { replace?: boolean } = {}): Promise<CacheEntry> {
    const built = await verifyEntry(staging, preset, hash);
    if (!built) throw new Error(`staging folder ${staging} holds no complete image for ${preset} ${hash.slice(0, 16)}`);
    const final = this.entryDir(preset, hash);
    if (!options.replace) {
      const existing = await verifyEntry(final, preset, hash);
      if (existing) {
        await this.discard(staging);
        return existing;
      }
    }
    await this.moveAside(final);
    try {
      await rename(staging, final);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another build of the same hash got there between the move and the rename: keep theirs.
      const theirs = code === 'ENOTEMPTY' || code === 'EEXIST' ? await verifyEntry(final, preset, hash) : undefined;
      if (!theirs) throw e;
      await this.discard(staging);
      return theirs;
    }
    return { ...built, dir: final, imagePath: join(final, built.manifest.image.file) };
  }

  /**
   * A scratch folder for one build's unpacked packages and trees, outside `images/` (it can be
   * hundreds of MiB). The caller removes it; `sweep` removes those of builds that died.
   */
  async scratch(preset: string): Promise<string> {
    const dir = join(this.root, 'tmp', `${preset}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async discard(staging: string): Promise<void> {
    await rm(staging, { recursive: true, force: true });
  }

  /** Removes staging and scratch folders of builds whose process is gone, and leftovers of replaced entries. */
  async sweep(): Promise<void> {
    for (const name of await readdir(this.imagesDir).catch(() => [] as string[])) {
      const dead = name.startsWith(STAGING) && !isAlive(pidOf(name));
      if (name.startsWith(TRASH) || dead) await rm(join(this.imagesDir, name), { recursive: true, force: true });
    }
    const tmp = join(this.root, 'tmp');
    for (const name of await readdir(tmp).catch(() => [] as string[])) {
      if (!isAlive(pidOf(name))) await rm(join(tmp, name), { recursive: true, force: true });
    }
  }

  private async moveAside(dir: string): Promise<void> {
    const trash = join(this.imagesDir, `${TRASH}${randomBytes(6).toString('hex')}`);
    try {
      await rename(dir, trash);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    await rm(trash, { recursive: true, force: true });
  }
}

async function verifyEntry(dir: string, preset: string, hash: string): Promise<CacheEntry | undefined> {
  const manifest = await readManifest(join(dir, MANIFEST_FILE));
  if (!manifest || manifest.preset !== preset || manifest.hash !== hash) return undefined;
  const imagePath = join(dir, manifest.image.file);
  try {
    if ((await stat(imagePath)).size !== manifest.image.sizeBytes) return undefined;
  } catch {
    return undefined;
  }
  if ((await sha256File(imagePath)) !== manifest.image.sha256) return undefined;
  return { dir, imagePath, manifest };
}

/** The build's process id in a staging or scratch folder name (`…-<pid>-<8 hex>`); NaN if none. */
function pidOf(name: string): number {
  return Number(/-(\d+)-[0-9a-f]{8}$/.exec(name)?.[1]);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
