import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ImageCache } from '../../harness/preset/image-cache.js';
import { defaultCacheRoot } from '../../harness/util/cache-root.js';
import { MANIFEST_FILE, type ImageManifest } from '../../harness/preset/image-manifest.js';

const scratch = mkdtempSync(join(tmpdir(), 'bootgate-image-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HASH = 'a'.repeat(64);
let cache: ImageCache;
let n = 0;
beforeEach(() => {
  cache = new ImageCache(join(scratch, String(n++)));
});

/** Writes what a finished build leaves in its staging folder: the image, then the manifest. */
async function fillStaging(dir: string, content: string, hash = HASH, withManifest = true): Promise<ImageManifest> {
  const image = Buffer.from(content);
  await writeFile(join(dir, 'demo.iso'), image);
  const manifest: ImageManifest = {
    preset: 'demo',
    hash,
    builderVersion: 'test',
    image: { file: 'demo.iso', kind: 'iso', sizeBytes: image.length, sha256: createHash('sha256').update(image).digest('hex') },
    packages: [{ name: 'busybox-static', arch: 'i386', version: '1' }],
    sources: [],
    commandLine: '',
    tools: {},
    builtAt: new Date(0).toISOString(),
    buildMs: 1,
  };
  if (withManifest) await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  return manifest;
}

describe('ImageCache', () => {
  it('finds nothing before a build, and the committed image after', async () => {
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
    const staging = await cache.begin('demo', HASH);
    await fillStaging(staging, 'image bytes');
    const entry = await cache.commit(staging, 'demo', HASH);
    expect(entry.dir).toBe(cache.entryDir('demo', HASH));
    expect(entry.dir).toMatch(/images\/demo-aaaaaaaaaaaaaaaa$/);
    expect(await readFile(entry.imagePath, 'utf8')).toBe('image bytes');
    expect(existsSync(staging)).toBe(false);
    expect((await cache.lookup('demo', HASH))?.manifest.image.sizeBytes).toBe(11);
  });

  it('never counts a build still in its staging folder', async () => {
    const staging = await cache.begin('demo', HASH);
    await fillStaging(staging, 'complete but not committed');
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
  });

  it('refuses to commit a half-built staging folder (image without manifest)', async () => {
    const staging = await cache.begin('demo', HASH);
    await fillStaging(staging, 'image', HASH, false);
    await expect(cache.commit(staging, 'demo', HASH)).rejects.toThrow(/no complete image/);
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
  });

  it('refuses to commit a manifest that does not describe the image', async () => {
    const staging = await cache.begin('demo', HASH);
    await fillStaging(staging, 'image');
    await writeFile(join(staging, 'demo.iso'), 'other');
    await expect(cache.commit(staging, 'demo', HASH)).rejects.toThrow(/no complete image/);
  });

  it('does not count an entry whose image was truncated, altered or removed', async () => {
    const staging = await cache.begin('demo', HASH);
    await fillStaging(staging, 'twelve bytes');
    const entry = await cache.commit(staging, 'demo', HASH);
    await truncate(entry.imagePath, 4);
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
    await writeFile(entry.imagePath, 'twelve bytez');
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
    await unlink(entry.imagePath);
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
  });

  it('does not count an entry whose manifest is missing, broken or for another hash', async () => {
    const dir = cache.entryDir('demo', HASH);
    await mkdir(dir, { recursive: true });
    await fillStaging(dir, 'x', HASH, false);
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
    await writeFile(join(dir, MANIFEST_FILE), '{"preset": "demo", "hash"');
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
    // Same 16-character folder name, different full hash.
    await fillStaging(dir, 'x', 'a'.repeat(16) + 'b'.repeat(48));
    expect(await cache.lookup('demo', HASH)).toBeUndefined();
  });

  it('replaces a broken entry on commit', async () => {
    const dir = cache.entryDir('demo', HASH);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'demo.iso'), 'half');
    const staging = await cache.begin('demo', HASH);
    await fillStaging(staging, 'whole');
    const entry = await cache.commit(staging, 'demo', HASH);
    expect(await readFile(entry.imagePath, 'utf8')).toBe('whole');
  });

  it('keeps the first of two builds that commit the same hash, unless told to replace', async () => {
    const a = await cache.begin('demo', HASH);
    const b = await cache.begin('demo', HASH);
    expect(a).not.toBe(b);
    await fillStaging(a, 'from a');
    await fillStaging(b, 'from b');
    await cache.commit(a, 'demo', HASH);
    const kept = await cache.commit(b, 'demo', HASH);
    expect(await readFile(kept.imagePath, 'utf8')).toBe('from a');
    expect(existsSync(b)).toBe(false);

    const c = await cache.begin('demo', HASH);
    await fillStaging(c, 'from c');
    const replaced = await cache.commit(c, 'demo', HASH, { replace: true });
    expect(await readFile(replaced.imagePath, 'utf8')).toBe('from c');
    expect(readdirSync(cache.imagesDir)).toEqual(['demo-aaaaaaaaaaaaaaaa']);
  });

  it('sweeps staging and scratch folders of dead builds but not of live ones', async () => {
    const live = await cache.begin('demo', HASH);
    const liveScratch = await cache.scratch('demo');
    const dead = join(cache.imagesDir, `.staging-demo-${HASH.slice(0, 16)}-999999999-0badf00d`);
    const deadScratch = join(cache.root, 'tmp', 'demo-999999999-0badf00d');
    await mkdir(dead);
    await mkdir(deadScratch);
    const committed = await cache.begin('demo', HASH);
    await fillStaging(committed, 'kept');
    await cache.commit(committed, 'demo', HASH);
    await cache.sweep();
    expect(existsSync(live)).toBe(true);
    expect(existsSync(liveScratch)).toBe(true);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(deadScratch)).toBe(false);
    expect(await cache.lookup('demo', HASH)).toBeDefined();
  });
});

describe('defaultCacheRoot', () => {
  it('is $BOOTGATE_CACHE, else $XDG_CACHE_HOME/bootgate, else ~/.cache/bootgate', () => {
    expect(defaultCacheRoot({ BOOTGATE_CACHE: '/x/cache', XDG_CACHE_HOME: '/y' })).toBe('/x/cache');
    expect(defaultCacheRoot({ XDG_CACHE_HOME: '/y' })).toBe('/y/bootgate');
    expect(defaultCacheRoot({})).toBe(join(homedir(), '.cache', 'bootgate'));
  });
});
