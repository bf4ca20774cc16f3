/**
 * The key that hands the terminal back: Ctrl-] (byte 0x1d), as in telnet. Everything typed
 * before it goes to the guest; it and whatever follows it in the same read do not.
 */
export const DETACH_BYTE = 0x1d;
export const DETACH_KEY_NAME = 'Ctrl-]';

export interface ScanResult {
  /** The bytes for the guest. */
  readonly forward: Buffer;
  /** The detach key was in this chunk. */
  readonly detached: boolean;
}

export function scanForDetach(chunk: Uint8Array, detachByte = DETACH_BYTE): ScanResult {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const at = bytes.indexOf(detachByte);
  return at < 0 ? { forward: bytes, detached: false } : { forward: bytes.subarray(0, at), detached: true };
}
