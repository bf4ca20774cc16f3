/**
 * Copies a disk image keeping its holes: blocks of zeros are skipped, not written, so a mostly
 * empty 256 MiB installer target costs what the guest wrote to it. fs.copyFile would fill them.
 */
import { open } from 'node:fs/promises';

const BLOCK = 1 << 20;

export async function copySparse(from: string, to: string): Promise<void> {
  const source = await open(from, 'r');
  try {
    const target = await open(to, 'w');
    try {
      const { size } = await source.stat();
      const buffer = Buffer.alloc(BLOCK);
      for (let offset = 0; offset < size; offset += BLOCK) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(BLOCK, size - offset), offset);
        const chunk = buffer.subarray(0, bytesRead);
        if (chunk.some((b) => b !== 0)) await target.write(chunk, 0, bytesRead, offset);
      }
      await target.truncate(size);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
