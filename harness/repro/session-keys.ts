/**
 * The keys the console keeps for itself, everything else going to the guest: Ctrl-] (byte 0x1d)
 * hands the terminal back, as in telnet and virsh; Ctrl-T (0x14), which guests' consoles leave
 * alone, opens a one-line bootgate prompt (session-commands.ts).
 */
export const DETACH_BYTE = 0x1d;
export const DETACH_KEY_NAME = 'Ctrl-]';
export const COMMAND_BYTE = 0x14;
export const COMMAND_KEY_NAME = 'Ctrl-T';

export interface ScanResult {
  /** The bytes before the first key: for the guest. */
  readonly forward: Buffer;
  /** The key found, if any. */
  readonly key?: number;
  /** What follows the key in the same read. */
  readonly rest: Buffer;
}

/** Splits a read at the first of `keys`. */
export function scanForKeys(chunk: Uint8Array, keys: readonly number[]): ScanResult {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const at = bytes.findIndex((b) => keys.includes(b));
  return at < 0 ? { forward: bytes, rest: bytes.subarray(bytes.length) } : { forward: bytes.subarray(0, at), key: bytes[at]!, rest: bytes.subarray(at + 1) };
}
