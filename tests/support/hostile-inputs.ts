/** Small files that claim or expand to huge ones: what a hostile golden, sidecar or scenario looks like. */
import { deflateSync } from 'node:zlib';

/** Ten levels of nine aliases each: 9^10 strings if expanded. */
export function aliasBomb(): string {
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= 10; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

/** A scenario-like document whose steps nest `depth` flow brackets deep. */
export function deepFlow(depth: number): string {
  return `image: {cdrom: disk.img}\nsteps: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/**
 * A valid-looking RGBA PNG declaring `width`×`height`, whose one IDAT holds `rows` deflated rows
 * of zeros: a few KB on disk, width × height × 4 bytes once decoded.
 */
export function pngDeclaring(width: number, height: number, rows = Math.min(height, 64)): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, adaptive filters, not interlaced
  const idat = deflateSync(Buffer.alloc(rows * (1 + width * 4)), { level: 9 });
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}
