/** A job's folder inside the report folder: frames and logs, named by step, paths relative to the report root. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RawImage } from '../machine/raw-image.js';
import { writePng } from '../screen/png-file.js';
import type { ArtifactSink } from '../steps/step-context.js';
import { containedPath } from '../config/contained-path.js';

/** Deflate level of report frames: 7.9 KB in ~6 ms for GRUB's menu, against 6.5 KB in ~30 ms at 9. */
const ARTIFACT_LEVEL = 6;

export class JobArtifacts implements ArtifactSink {
  readonly dir: string;
  private readonly writes: Promise<unknown>[] = [];

  constructor(
    readonly reportDir: string,
    jobId: string,
    attempt: number,
  ) {
    this.dir = containedPath(reportDir, ['jobs', attempt > 1 ? `${jobId}--attempt${attempt}` : jobId], { field: 'name' });
    mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Names the frame's file and encodes it in the background: a step's evidence is needed in the
   * report, not before its next step. `flush()` waits for them all.
   */
  async image(name: string, image: RawImage): Promise<string> {
    const file = join(this.dir, `${safe(name)}.png`);
    this.writes.push(writePng(file, image, ARTIFACT_LEVEL));
    return relative(this.reportDir, file);
  }

  /** Waits for every frame being written; returns why any could not be. */
  async flush(): Promise<string[]> {
    const results = await Promise.allSettled(this.writes.splice(0));
    return results.flatMap((r) => (r.status === 'rejected' ? [`could not write a frame: ${(r.reason as Error).message}`] : []));
  }

  text(name: string, content: string | Buffer): string {
    const file = join(this.dir, safe(name));
    writeFileSync(file, content);
    return relative(this.reportDir, file);
  }
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
