/**
 * A Node built-in loaded on first use. Node compiles a built-in the first time it is required,
 * and a run pays that before its first emulator starts: node:crypto ~9 ms, node:worker_threads
 * ~2.5 ms, node:readline ~1.3 ms (measured), where most runs never hash a file, start a v86
 * worker or read a guest-clock log.
 */
import { createRequire } from 'node:module';
import { once } from './once.js';

export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  return once(() => createRequire(import.meta.url)(id) as T);
}
