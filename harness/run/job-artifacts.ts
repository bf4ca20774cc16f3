/** A job's folder inside the report folder: frames and logs, named by step, paths relative to the report root. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RawImage } from '../machine/raw-image.js';
import { writePng } from '../screen/png-file.js';
import type { ArtifactSink } from '../steps/step-context.js';

export class JobArtifacts implements ArtifactSink {
  readonly dir: string;

  constructor(
    readonly reportDir: string,
    jobId: string,
    attempt: number,
  ) {
    this.dir = join(reportDir, 'jobs', attempt > 1 ? `${jobId}--attempt${attempt}` : jobId);
    mkdirSync(this.dir, { recursive: true });
  }

  async image(name: string, image: RawImage): Promise<string> {
    const file = join(this.dir, `${safe(name)}.png`);
    await writePng(file, image);
    return relative(this.reportDir, file);
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
