/**
 * bootgate's cache, outside git: `$BOOTGATE_CACHE`, else `$XDG_CACHE_HOME/bootgate`, else
 * `~/.cache/bootgate`. Built images, downloaded packages, the QEMU plugin, snapshots, validated
 * config files and the remembered `-sandbox` probe live here.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOOTGATE_CACHE) return env.BOOTGATE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'bootgate');
}
