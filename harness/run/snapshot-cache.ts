/**
 * Snapshot points: a step marked `snapshot: <name>` saves the machine once it passes, into the
 * cache, keyed by what made that state (the machine identity: backend, emulator, profile, images
 * by sha256, command line, guest clock; and every step up to the point). A scenario that starts
 * `from:` that point restores instead of booting. Change anything before the point and the key
 * changes: the next job boots and saves afresh.
 *
 * Entries are written into a staging folder and renamed into place, so a half-written one never
 * counts. Jobs of one run that need the same point take turns (`lock`): the first boots and
 * saves, the others restore what it saved.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stepAction } from '../steps/step-schema.js';
import type { Phase } from '../scenario/scenario.js';
import { defaultCacheRoot } from '../util/cache-root.js';
import { STATE_MANIFEST, type MachineIdentity } from './saved-state.js';
import { withStagingFolder } from './staging-folder.js';

/** Bumped when what goes into a key or an entry changes, so old entries stop matching. */
const KEY_VERSION = 1;

export class SnapshotCache {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(readonly root: string = join(defaultCacheRoot(), 'snapshots')) {}

  /** The key of the state after step `through` (counted from 0 over all phases). */
  key(identity: MachineIdentity, phases: readonly Phase[], through: number): string {
    // An image is the same image wherever it lies: its sha256 says which, not its path.
    const machine = { ...identity, images: identity.images.map(({ role, sha256 }) => ({ role, sha256 })) };
    return createHash('sha256')
      .update(JSON.stringify({ version: KEY_VERSION, machine, steps: stepActions(phases, through) }))
      .digest('hex');
  }

  dir(key: string): string {
    return join(this.root, key.slice(0, 32));
  }

  /** The entry's folder if a complete one is there. */
  find(key: string): string | undefined {
    const dir = this.dir(key);
    return existsSync(join(dir, STATE_MANIFEST)) ? dir : undefined;
  }

  /** Writes an entry with `write` (which must put state.json in last); keeps an entry another job committed first. */
  async save(key: string, write: (dir: string) => Promise<void>): Promise<string> {
    await mkdir(this.root, { recursive: true });
    const staging = join(this.root, `.staging-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    await withStagingFolder(staging, async () => {
      await write(staging);
      if (!this.find(key)) {
        // A folder without state.json is what a killed run left: it never counts, so it goes.
        await rm(this.dir(key), { recursive: true, force: true });
        await rename(staging, this.dir(key)).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e; // another run committed it meanwhile
        });
      }
    });
    return this.dir(key);
  }

  /** Waits for this key's turn; call the returned function to pass it on. */
  async lock(key: string): Promise<() => void> {
    const before = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = before.then(() => mine);
    this.locks.set(key, chained);
    await before;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.locks.get(key) === chained) this.locks.delete(key);
    };
  }
}

/**
 * The steps up to `through` as what they do to the machine: their actions and arguments. Names,
 * timeouts, failure patterns and budgets change nothing in the guest, so they stay out of the key.
 */
export function stepActions(phases: readonly Phase[], through: number): unknown[] {
  const actions: unknown[] = [];
  for (const phase of phases) {
    for (const step of phase.steps) {
      if (actions.length > through) return actions;
      const { kind, value } = stepAction(step);
      actions.push({ [kind.key]: value });
    }
  }
  return actions;
}
