/**
 * A state is written into a staging folder and renamed into place once whole, so a folder in
 * its place is always complete. Should the process end before (a second Ctrl-C exits at once),
 * the cleanup registry removes the staging folder on the way out: no half-written state is left
 * behind. Only a SIGKILL can leave one, under a name nothing restores from.
 */
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { registerCleanup } from '../machine/cleanup-registry.js';

/** Runs `body` (which fills `staging` and renames it into place) and removes whatever of `staging` is left, also at an exit meanwhile. */
export async function withStagingFolder<T>(staging: string, body: (staging: string) => Promise<T>): Promise<T> {
  const unregister = registerCleanup(() => rmSync(staging, { recursive: true, force: true }));
  try {
    return await body(staging);
  } finally {
    await rm(staging, { recursive: true, force: true });
    unregister();
  }
}
