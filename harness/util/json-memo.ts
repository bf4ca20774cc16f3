/**
 * A small JSON file of answers that are slow to get and keyed by everything they depend on (apt's
 * state, an executable's identity), under bootgate's cache. It keeps the newest MAX_ENTRIES.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './write-file-atomic.js';

const MAX_ENTRIES = 64;

export class JsonMemo<T> {
  constructor(readonly file: string) {}

  async get(key: string): Promise<T | undefined> {
    return (await this.read())[key];
  }

  /** Stores `value` under `key`, keeping the newest entries; written atomically, best effort. */
  async set(key: string, value: T): Promise<void> {
    const entries = Object.entries(await this.read()).filter(([k]) => k !== key);
    const kept = Object.fromEntries([...entries.slice(-(MAX_ENTRIES - 1)), [key, value]]);
    try {
      writeFileAtomic(this.file, JSON.stringify(kept));
    } catch {
      // A memo that cannot be written only costs the next run the work it saves.
    }
  }

  private async read(): Promise<Record<string, T>> {
    try {
      const data: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, T>) : {};
    } catch {
      return {};
    }
  }
}
