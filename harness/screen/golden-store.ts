/**
 * Where goldens live and who may write them. Files are `<goldenDir>/<scenario>/<name>.<backend>.png`,
 * falling back to `<name>.png` when both emulators draw the same pixels. Only an update mode
 * writes here; mismatches go to the report folder, never next to the goldens. A golden that is a
 * symlink is read through it, but replaced by a file of its own when written (a rename, never a
 * write through the link): its target may be another scenario's golden or outside the project.
 */
import { existsSync, statSync } from 'node:fs';
import type { BackendName } from '../machine/machine.js';
import type { RawImage } from '../machine/raw-image.js';
import { containedPath } from '../config/contained-path.js';
import { readPng, writePng } from './png-file.js';
import { regionSidecarPath } from './region-golden.js';

export type UpdateMode = 'none' | 'missing' | 'changed' | 'all';
export const UPDATE_MODES: readonly UpdateMode[] = ['none', 'missing', 'changed', 'all'];

export interface Golden {
  readonly name: string;
  /** The file it was (or will be) read from. */
  readonly path: string;
  readonly image?: RawImage;
  /**
   * The areas file that makes it a region golden: the PNG's own sidecar, else the shared one (an
   * update writes `menu.qemu.png` beside a shared `menu.png` and its `menu.regions.yaml`, whose
   * areas still apply). Absent for a whole-screen golden.
   */
  readonly sidecar?: string;
}

/**
 * A golden a step wrote, or the frame that could become it: what a person reviews in the report
 * and `bootgate accept` copies into place.
 */
export interface GoldenRecord {
  readonly name: string;
  /** The golden file this job reads and writes (absolute): where the frame went, or would go. */
  readonly file: string;
  /** created/updated: this run wrote it, review it; mismatch: the screen never matched it; missing: none existed and none was written. */
  readonly status: 'created' | 'updated' | 'mismatch' | 'missing';
  /** The frame written, or to accept (relative to the report folder). */
  readonly actual: string;
  readonly expected?: string;
  readonly diff?: string;
  /**
   * A region golden's review: the golden with each area's pixels taken from the frame where it
   * was found (where it was recorded, when it was not); what `bootgate accept` writes unless
   * asked for the whole frame.
   */
  readonly areas?: string;
  /** The frame at the end of the wait, when the screen moved on after the one kept as `actual`. */
  readonly last?: string;
}

/** A golden's file in its scenario's folder: a backend's own, or without one the file both backends share. */
export function goldenFileName(name: string, backend?: BackendName): string {
  return backend ? `${name}.${backend}.png` : `${name}.png`;
}

/**
 * The last golden a job decoded, known by its file's identity: a click on a region golden follows
 * the wait for it, and a repeat looks for its golden on every try, while pngjs takes ~5 ms to
 * decode an 800×600 golden once warm and 10–50 ms in a job's first reads. One image kept: a job's
 * steps load their goldens in turn.
 */
export class DecodedGolden {
  private last: { readonly key: string; readonly image: RawImage } | undefined;

  async read(path: string): Promise<RawImage> {
    const stat = statSync(path, { throwIfNoEntry: false });
    // Gone since it was found: readPng says so, naming the file.
    if (!stat) return readPng(path);
    const { ino, size, mtimeMs } = stat;
    const key = `${path}\0${ino}:${size}:${mtimeMs}`;
    if (this.last?.key !== key) this.last = { key, image: await readPng(path) };
    return this.last.image;
  }
}

export class GoldenStore {
  constructor(
    readonly dir: string,
    readonly scenario: string,
    readonly backend: BackendName,
    readonly mode: UpdateMode,
    /** Shared by the stores of one job's steps. */
    readonly decoded = new DecodedGolden(),
  ) {}

  /** The backend's own golden, else the shared one; `image` is undefined when neither exists. */
  async load(name: string): Promise<Golden> {
    const own = this.ownPath(name);
    const shared = this.path(goldenFileName(name));
    const path = existsSync(own) ? own : existsSync(shared) ? shared : undefined;
    if (!path) return { name, path: own };
    const sidecar = [regionSidecarPath(path), regionSidecarPath(shared)].find((f) => existsSync(f));
    return { name, path, image: await this.decoded.read(path), ...(sidecar ? { sidecar } : {}) };
  }

  /** The same goldens, and the same decoded one, under another update mode. */
  withMode(mode: UpdateMode): GoldenStore {
    return new GoldenStore(this.dir, this.scenario, this.backend, mode, this.decoded);
  }

  mayWrite(kind: 'missing' | 'changed'): boolean {
    return this.mode === 'all' || this.mode === kind || (this.mode === 'changed' && kind === 'missing');
  }

  /** Writes the backend's own golden; says whether it replaced one. */
  async write(name: string, image: RawImage): Promise<{ file: string; status: 'created' | 'updated' }> {
    const file = this.ownPath(name);
    const status = existsSync(file) ? 'updated' : 'created';
    await writePng(file, image);
    return { file, status };
  }

  /** The file write() writes and `bootgate accept` replaces: the backend's own. */
  ownPath(name: string): string {
    return this.path(goldenFileName(name, this.backend));
  }

  private path(file: string): string {
    return containedPath(this.dir, [this.scenario, file], { field: 'golden' });
  }
}
