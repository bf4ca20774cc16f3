/** An uncompressed RGBA frame, the one pixel format every backend hands over and every comparator takes. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, RGBA, rows top to bottom. */
  readonly data: Uint8Array;
}
