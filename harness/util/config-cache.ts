/**
 * Config files (scenarios, machine profiles, presets) as validated by an earlier run of the same
 * bootgate build. Building the zod schemas and validating a scenario cost ~25 ms in front of
 * every run's first machine (measured on the GRUB CD job), for files that rarely change.
 *
 * An entry holds the file's whole text and the validated value, and counts only for the same
 * text and the same build: an edit, or any rebuild of bootgate (whose schemas may have changed),
 * validates afresh. Only successes are kept, so bad input is always checked and reported anew.
 * One small file per config file, under a folder per build; a run's first write removes the
 * folders of all but the newest few builds. Best effort throughout: a cache that cannot be read
 * or written only costs the time it would have saved.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheRoot } from './cache-root.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Set by scripts/bundle.mjs; absent when bootgate runs from its sources (tests), which then validate every time. */
declare const __BOOTGATE_BUILD__: string | undefined;

/** Marks a RegExp in the stored JSON (patterns are RegExps once validated). */
const REGEXP = '\u0000RegExp';
/** Builds whose entries are kept, this one included. */
const KEPT_BUILDS = 4;
/** Longer names than this (255 bytes, less room for the kind) are not cached: their files would not fit. */
const MAX_NAME = 240;

interface Entry {
  readonly text: string;
  readonly value: unknown;
}

export class ConfigCache {
  private cleaned = false;

  constructor(
    readonly root: string,
    readonly build: string,
  ) {}

  /** The cache of the running bundle, or undefined when bootgate runs from its sources. */
  static forThisBuild(env: NodeJS.ProcessEnv = process.env): ConfigCache | undefined {
    return typeof __BOOTGATE_BUILD__ === 'string' ? new ConfigCache(join(defaultCacheRoot(env), 'configs'), __BOOTGATE_BUILD__) : undefined;
  }

  /** The value validated from exactly this text of `file` as `kind`, if one was kept. */
  get(kind: string, file: string, text: string): unknown {
    const path = this.path(kind, file);
    if (!path) return undefined;
    try {
      const entry = JSON.parse(readFileSync(path, 'utf8'), revive) as Entry;
      return entry.text === text ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  set(kind: string, file: string, text: string, value: unknown): void {
    const path = this.path(kind, file);
    if (!path) return;
    try {
      this.removeOldBuilds();
      writeFileAtomic(path, JSON.stringify({ text, value } satisfies Entry, replace));
    } catch {
      // Not writable: the next run validates again.
    }
  }

  private path(kind: string, file: string): string | undefined {
    const name = `${kind}-${encodeURIComponent(file)}.json`;
    return name.length <= MAX_NAME ? join(this.root, this.build, name) : undefined;
  }

  /** Keeps the folders of the few newest other builds (two checkouts may share one cache) and removes the rest. */
  private removeOldBuilds(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    try {
      const others = readdirSync(this.root)
        .filter((b) => b !== this.build)
        .map((b) => ({ dir: join(this.root, b), mtimeMs: statSync(join(this.root, b)).mtimeMs }))
        .sort((a, b) => b.mtimeMs - a.mtimeMs);
      for (const { dir } of others.slice(KEPT_BUILDS - 1)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Nothing cached yet, or another run is cleaning up too.
    }
  }
}

function replace(_key: string, value: unknown): unknown {
  return value instanceof RegExp ? { [REGEXP]: [value.source, value.flags] } : value;
}

function revive(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && REGEXP in value) {
    const [source, flags] = (value as Record<string, [string, string]>)[REGEXP]!;
    return new RegExp(source, flags);
  }
  return value;
}
