/** An uncompressed RGBA frame, the one pixel format every backend hands over and every comparator takes. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, RGBA, rows top to bottom. */
  readonly data: Uint8Array;
  /**
   * The emulator's own stand-in picture, not the guest's: QEMU draws "Guest has not initialized
   * the display (yet)." until the guest sets a video mode. Never a golden.
   */
  readonly placeholder?: boolean;
}

/** Every pixel the same colour: a screen between modes, or before anything was drawn. */
export function isBlank(image: RawImage): boolean {
  const d = image.data;
  for (let i = 4; i < d.length; i += 4) {
    if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return false;
  }
  return true;
}
