/**
 * The applet names compiled into a BusyBox binary, read from the binary itself: the build host
 * may not be able to run it (an i386 BusyBox on an amd64 host without 32-bit support), so
 * `busybox --list` is no option. BusyBox keeps its applet names as one sorted, NUL-separated
 * string table that starts with "[" and "[[" (applet_tables.h); that table is found and checked.
 */
import { readFile } from 'node:fs/promises';

const TABLE_START = Buffer.from('\0[\0[[\0', 'latin1');
const APPLET = /^[a-z0-9_.[\]-]+$/;

export async function readBusyboxApplets(binaryPath: string): Promise<string[]> {
  return parseBusyboxApplets(await readFile(binaryPath), binaryPath);
}

/** Pure: the applet table in a BusyBox binary's bytes. Throws when there is not exactly one sane table. */
export function parseBusyboxApplets(binary: Uint8Array, what = 'binary'): string[] {
  const bytes = Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength);
  const start = bytes.indexOf(TABLE_START);
  if (start < 0 || bytes.indexOf(TABLE_START, start + 1) >= 0) {
    throw new Error(`${what}: no unique BusyBox applet table found (is it a BusyBox binary?)`);
  }
  const end = bytes.indexOf(Buffer.from('\0\0', 'latin1'), start + 1);
  const names = bytes.toString('latin1', start + 1, end < 0 ? bytes.length : end).split('\0');
  const sorted = names.every((n, i) => i === 0 || names[i - 1]! < n);
  if (!sorted || !names.every((n) => APPLET.test(n)) || !names.includes('sh') || !names.includes('busybox')) {
    throw new Error(`${what}: the BusyBox applet table does not look right (${names.length} names, sorted: ${sorted})`);
  }
  return names;
}
