/** A throwaway folder with scenario files, goldens and an image, for tests that load real files. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export class TempProject {
  readonly dir = mkdtempSync(join(tmpdir(), 'bootgate-test-'));

  constructor() {
    mkdirSync(join(this.dir, 'golden-screens'));
    this.write('disk.img', 'not really a disk image');
  }

  write(relPath: string, content: string | Uint8Array): string {
    const file = join(this.dir, relPath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  }

  path(relPath: string): string {
    return join(this.dir, relPath);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
