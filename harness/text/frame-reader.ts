/**
 * A job's OCR: one engine, started by the job's first read of a graphical screen (a job that never
 * reads one never pays its second of loading and its memory) and stopped with the job, and a cache
 * by frame content, so an unchanged frame, or area, is never read twice.
 */
import { createHash } from 'node:crypto';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';
import { OcrEngine } from './ocr-engine.js';
import type { Point } from './prepare-frame.js';
import type { TextRead } from './text-read.js';

/** Reads kept: a wait alternates between a few screens at most; a frame's read is a few KB. */
const CACHE_SIZE = 32;

export class FrameReader {
  private engine: Promise<OcrEngine> | undefined;
  private readonly cache = new Map<string, TextRead>();
  /** Reads the engine did (cache misses) and their total time, for notes and benchmarks. */
  reads = 0;
  readMs = 0;

  /** `pointer`: where bootgate put the pointer, so its cursor is not read as letters (prepare-frame.ts). */
  async read(frame: RawImage, area?: Rect, pointer?: Point): Promise<TextRead> {
    const key = `${frameKey(frame, area)}:${pointer ? `${pointer.x},${pointer.y}` : '-'}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    this.engine ??= OcrEngine.start();
    const started = performance.now();
    const read = await (await this.engine).read(frame, area, pointer);
    this.readMs += performance.now() - started;
    this.reads++;
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, read);
    return read;
  }

  async stop(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await (await engine.catch(() => undefined))?.stop();
  }
}

function frameKey(frame: RawImage, area?: Rect): string {
  const hash = createHash('sha1').update(frame.data);
  return `${frame.width}x${frame.height}:${area ? `${area.x},${area.y},${area.width},${area.height}` : 'all'}:${hash.digest('hex')}`;
}
