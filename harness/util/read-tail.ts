/** The last `bytes` of a file as UTF-8 text, read without loading the rest: a flooding guest's log is hundreds of MB. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export function readTail(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    // A cut through a multi-byte character would decode to U+FFFD: start after any continuation bytes.
    let from = 0;
    while (start > 0 && from < read && (buffer[from]! & 0xc0) === 0x80) from++;
    return buffer.toString('utf8', from, read);
  } finally {
    closeSync(fd);
  }
}
