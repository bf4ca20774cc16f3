/**
 * Pixels from v86's VGA, the way a monitor would show them. v86 draws text mode with HTML in a
 * browser and cannot take a screenshot in Node, so text mode is rendered here from the guest's
 * own font (VGA plane 2), attributes and DAC palette, in QEMU's screendump geometry (720×400 for
 * 80×25 with 9-dot characters) so goldens of both backends look alike. Graphics modes reuse
 * v86's own frame buffer, scaled to QEMU's geometry where v86 keeps fewer pixels than the monitor
 * shows (mode 13h). The renderers are pure; only the `from*` extractors touch v86 objects.
 */
import type { RawImage } from '../raw-image.js';

export interface TextCursor {
  /** Character cell (CRTC cursor location) the cursor sits on. */
  readonly address: number;
  readonly firstLine: number;
  readonly lastLine: number;
  readonly visible: boolean;
}

/** Everything the VGA needs to draw one text-mode frame. */
export interface VgaTextState {
  readonly cols: number;
  readonly rows: number;
  /** Scan lines per character row: CRTC max scan line + 1. */
  readonly charHeight: number;
  /** 9 in the usual 720-pixel modes, 8 when the sequencer selects 8-dot characters. */
  readonly charWidth: 8 | 9;
  /** Sequencer half dot clock (40-column modes): every pixel twice as wide. */
  readonly doubleWidth: boolean;
  /** CRTC double scan: every scan line twice. */
  readonly doubleScan: boolean;
  /** Attribute mode bit 2: the 9th column repeats the 8th for box-drawing characters. */
  readonly lineGraphics: boolean;
  /** Attribute mode bit 3: attribute bit 7 blinks instead of brightening the background. */
  readonly blinkEnabled: boolean;
  /** Byte offsets of character maps A and B in plane 2; attribute bit 3 selects A when they differ. */
  readonly fontOffsetA: number;
  readonly fontOffsetB: number;
  /** Plane 2: 32 bytes per glyph, one byte per scan line, most significant bit leftmost. */
  readonly font: Uint8Array;
  /** Character/attribute byte pairs, as the guest wrote them at 0xB8000. */
  readonly text: Uint8Array;
  /** First cell shown (CRTC start address): Linux scrolls its console by moving it. */
  readonly startAddress: number;
  /** Cells per row in memory (CRTC offset register), at least `cols`. */
  readonly rowStride: number;
  /** First character row drawn from address 0 (line compare split screen); ≥ rows when off. */
  readonly splitRow: number;
  /** The 16 attribute colours as 0xRRGGBB, already through the attribute palette and the DAC. */
  readonly palette: readonly number[];
  /** Attribute colour-plane enable mask (usually 0x0f). */
  readonly colorPlaneMask: number;
  readonly cursor: TextCursor;
  /** Sequencer screen-off bit clear. */
  readonly screenOn: boolean;
}

/**
 * Runs in the worker, between the guest's instructions: a 720×400 frame is 288,000 pixels, so
 * each is one 32-bit store and a cell's scan line is drawn in one loop (6.6 → 3.0 ms warm).
 */
export function renderTextMode(s: VgaTextState): RawImage {
  const xScale = s.doubleWidth ? 2 : 1;
  const yScale = s.doubleScan ? 2 : 1;
  const width = s.cols * s.charWidth * xScale;
  const height = s.rows * s.charHeight * yScale;
  const data = new Uint8Array(width * height * 4);
  const pixels = new Uint32Array(data.buffer);
  if (!s.screenOn) {
    pixels.fill(rgbaWord(0));
    return { width, height, data };
  }
  const colors = s.palette.map(rgbaWord);
  const twoFonts = s.fontOffsetA !== s.fontOffsetB;
  const textBytes = s.text.length;
  // One scan line of a cell at unscaled (x0, y): 8 dots from `bits`, and in 9-dot modes a 9th, `fg` when `ninth`.
  const scanLine = (x0: number, y: number, bits: number, ninth: boolean, fg: number, bg: number): void => {
    const first = y * yScale * width + x0 * xScale;
    let i = first;
    for (let mask = 0x80; mask; mask >>= 1) {
      const c = bits & mask ? fg : bg;
      pixels[i++] = c;
      if (xScale === 2) pixels[i++] = c;
    }
    if (s.charWidth === 9) {
      const c = ninth ? fg : bg;
      pixels[i++] = c;
      if (xScale === 2) pixels[i++] = c;
    }
    if (yScale === 2) pixels.copyWithin(first + width, first, i);
  };
  for (let row = 0; row < s.rows; row++) {
    const rowStart = row < s.splitRow ? s.startAddress + row * s.rowStride : (row - s.splitRow) * s.rowStride;
    for (let col = 0; col < s.cols; col++) {
      const cell = rowStart + col;
      const offset = (cell * 2) % textBytes;
      const chr = s.text[offset]!;
      const attr = s.text[offset + 1]!;
      const fg = colors[attr & 0x0f & s.colorPlaneMask]!;
      const bg = colors[(attr >> 4) & (s.blinkEnabled ? 0x07 : 0x0f) & s.colorPlaneMask]!;
      const glyph = (twoFonts && !(attr & 0x08) ? s.fontOffsetB : s.fontOffsetA) + chr * 32;
      // QEMU repeats the 8th column for 0xB0–0xDF (real boards: 0xC0–0xDF); follow QEMU so goldens agree.
      const dup9 = s.charWidth === 9 && s.lineGraphics && chr >= 0xb0 && chr <= 0xdf;
      const x0 = col * s.charWidth;
      const y0 = row * s.charHeight;
      for (let line = 0; line < s.charHeight; line++) {
        const bits = s.font[(glyph + line) % s.font.length]!;
        scanLine(x0, y0 + line, bits, dup9 && (bits & 1) !== 0, fg, bg);
      }
      // Drawn steadily (QEMU blinks it), so two shots of the same screen are identical.
      if (s.cursor.visible && cell === s.cursor.address) {
        const last = Math.min(s.cursor.lastLine, s.charHeight - 1);
        for (let line = s.cursor.firstLine; line <= last; line++) scanLine(x0, y0 + line, 0xff, true, fg, fg);
      }
    }
  }
  return { width, height, data };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** 0xRRGGBB → the 32-bit word whose bytes in memory are R, G, B, 0xff. */
function rgbaWord(rgb: number): number {
  const [r, g, b] = [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
  return (LITTLE_ENDIAN ? (0xff << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0;
}

/**
 * Attribute colour index → 0xRRGGBB: the attribute palette picks a DAC entry (with the colour
 * select bits, as a real VGA does), the DAC holds the colour, masked by the pixel mask.
 */
export function textPalette(p: {
  readonly attributePalette: ArrayLike<number>;
  readonly attributeMode: number;
  readonly colorSelect: number;
  readonly dac: ArrayLike<number>;
  readonly dacMask: number;
}): number[] {
  return Array.from({ length: 16 }, (_, i) => {
    const entry = p.attributePalette[i]! & 0x3f;
    const index = p.attributeMode & 0x80
      ? ((p.colorSelect & 0x0f) << 4) | (entry & 0x0f)
      : ((p.colorSelect & 0x0c) << 4) | entry;
    return p.dac[index & p.dacMask]! & 0xffffff;
  });
}

/** Where a part of the frame buffer goes on screen (v86's `vga.layers`, canvas putImageData semantics). */
export interface ScreenLayer {
  readonly screen_x: number;
  readonly screen_y: number;
  readonly buffer_x: number;
  readonly buffer_y: number;
  readonly buffer_width: number;
  readonly buffer_height: number;
}

/** Copies each layer's rectangle of an RGBA buffer onto a black width×height screen, clipped. */
export function composeLayers(
  source: ArrayLike<number> & { readonly length: number },
  sourceWidth: number,
  width: number,
  height: number,
  layers: readonly ScreenLayer[],
): RawImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 0xff;
  const sourceHeight = Math.floor(source.length / 4 / sourceWidth);
  for (const layer of layers) {
    for (let j = 0; j < layer.buffer_height; j++) {
      const sy = layer.buffer_y + j;
      const dy = layer.screen_y + j;
      if (sy < 0 || sy >= sourceHeight || dy < 0 || dy >= height) continue;
      for (let i = 0; i < layer.buffer_width; i++) {
        const sx = layer.buffer_x + i;
        const dx = layer.screen_x + i;
        if (sx < 0 || sx >= sourceWidth || dx < 0 || dx >= width) continue;
        const from = (sy * sourceWidth + sx) * 4;
        const to = (dy * width + dx) * 4;
        data[to] = source[from]!;
        data[to + 1] = source[from + 1]!;
        data[to + 2] = source[from + 2]!;
      }
    }
  }
  return { width, height, data };
}

/** The VGA registers that size a (non-VBE) graphics picture on the monitor. */
export interface VgaGraphicsTiming {
  /** CRTC horizontal display end (CR01): character clocks shown per line, minus one. */
  readonly horizontalDisplayEnd: number;
  /** CRTC vertical display end with its overflow bits 8 and 9: scan lines shown, minus one. */
  readonly verticalDisplayEnd: number;
  /** Sequencer clocking mode (SR01); bit 3 halves the dot clock. */
  readonly clockingMode: number;
  /** Graphics controller mode (GR05); shift mode in bits 5–6, 256-colour when bit 6 is set. */
  readonly graphicsMode: number;
}

/**
 * The picture a VGA graphics mode puts on the monitor, in QEMU's screendump geometry: 8 dots per
 * character clock and every scan line, so mode 13h is 640×400 (its 320×200 pixels are two dots
 * wide and scanned twice) and mode 12h 640×480. A halved dot clock doubles the width in the 16-
 * and 4-colour shift modes (mode 0Dh: 640×400); in the 256-colour shift mode QEMU already draws
 * each pixel two dots wide and ignores the bit. v86 keeps only the guest's pixels (320×200), so
 * without this its goldens would never match QEMU's.
 */
export function graphicsDisplaySize(t: VgaGraphicsTiming): { width: number; height: number } {
  const dots = (t.horizontalDisplayEnd + 1) * 8;
  const shiftMode = (t.graphicsMode >> 5) & 3;
  const halfDotClock = shiftMode < 2 && (t.clockingMode & 0x08) !== 0;
  return { width: halfDotClock ? dots * 2 : dots, height: t.verticalDisplayEnd + 1 };
}

/**
 * Nearest-neighbour resize. For the whole-number ratios of VGA modes (2× in both directions for
 * mode 13h) every source pixel becomes an exact block, as QEMU draws it; no colour is blended.
 */
export function scaleNearest(image: RawImage, width: number, height: number): RawImage {
  if (image.width === width && image.height === height) return image;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor((y * image.height) / height);
    for (let x = 0; x < width; x++) {
      const sx = Math.floor((x * image.width) / width);
      const from = (sy * image.width + sx) * 4;
      const to = (y * width + x) * 4;
      data[to] = image.data[from]!;
      data[to + 1] = image.data[from + 1]!;
      data[to + 2] = image.data[from + 2]!;
      data[to + 3] = 0xff;
    }
  }
  return { width, height, data };
}

// ---- the v86 side: the fields of v86's VGAScreen this module reads (not in v86's typings) ----

export interface V86Vga {
  graphical_mode: boolean;
  svga_enabled: boolean;
  svga_width: number;
  svga_height: number;
  screen_width: number;
  screen_height: number;
  virtual_width: number;
  horizontal_display_enable_end: number;
  vertical_display_enable_end: number;
  planar_mode: number;
  max_cols: number;
  max_rows: number;
  max_scan_line: number;
  clocking_mode: number;
  attribute_mode: number;
  character_map_select: number;
  color_plane_enable: number;
  color_select: number;
  start_address: number;
  offset_register: number;
  line_compare: number;
  cursor_address: number;
  cursor_scanline_start: number;
  cursor_scanline_end: number;
  dac_map: Uint8Array;
  dac_mask: number;
  vga256_palette: Int32Array;
  vga_memory: Uint8Array;
  plane2: Uint8Array;
  image_data: { data: Uint8ClampedArray; width: number; height: number } | null;
  layers: ScreenLayer[];
  screen_fill_buffer(): void;
  scan_line_to_screen_row(scanLine: number): number;
}

/** Character map select register → byte offset in plane 2 (maps are 8 KiB apart, interleaved). */
function fontOffset(vgaIndex: number): number {
  const LINEAR = [0, 2, 4, 6, 1, 3, 5, 7];
  return LINEAR[vgaIndex & 7]! * 8192;
}

export function textStateFromVga(vga: V86Vga): VgaTextState {
  const cms = vga.character_map_select;
  return {
    cols: vga.max_cols,
    rows: vga.max_rows,
    charHeight: (vga.max_scan_line & 0x1f) + 1,
    charWidth: vga.clocking_mode & 0x01 ? 8 : 9,
    doubleWidth: (vga.clocking_mode & 0x08) !== 0,
    doubleScan: (vga.max_scan_line & 0x80) !== 0,
    lineGraphics: (vga.attribute_mode & 0x04) !== 0,
    blinkEnabled: (vga.attribute_mode & 0x08) !== 0,
    fontOffsetA: fontOffset(((cms & 0x0c) >> 2) | ((cms & 0x20) >> 3)),
    fontOffsetB: fontOffset((cms & 0x03) | ((cms & 0x10) >> 2)),
    font: vga.plane2.slice(),
    text: vga.vga_memory.slice(0, 0x10000),
    startAddress: vga.start_address,
    rowStride: Math.max(vga.max_cols, 2 * vga.offset_register),
    splitRow: vga.scan_line_to_screen_row(vga.line_compare),
    palette: textPalette({
      attributePalette: vga.dac_map,
      attributeMode: vga.attribute_mode,
      colorSelect: vga.color_select,
      dac: vga.vga256_palette,
      dacMask: vga.dac_mask,
    }),
    colorPlaneMask: vga.color_plane_enable & 0x0f,
    cursor: {
      address: vga.cursor_address,
      firstLine: vga.cursor_scanline_start & 0x1f,
      lastLine: vga.cursor_scanline_end & 0x1f,
      visible: (vga.cursor_scanline_start & 0x20) === 0,
    },
    screenOn: (vga.clocking_mode & 0x20) === 0,
  };
}

/**
 * Takes the worker's screenshots, numbered. A text screen whose memory, font, palette and
 * registers are as they were for shot `since` is not drawn again: drawing stops the guest, and a
 * wait polls an unchanged screen many times. The caller then still has that shot.
 */
export class VgaCamera {
  private last: { readonly state: VgaTextState; readonly shot: number } | undefined;
  private shots = 0;

  take(vga: V86Vga, since?: number): { readonly image?: RawImage; readonly shot: number } {
    if (vga.graphical_mode) {
      this.last = undefined;
      return { image: graphicsScreenshotFromVga(vga), shot: ++this.shots };
    }
    const state = textStateFromVga(vga);
    if (this.last && this.last.shot === since && sameTextState(this.last.state, state)) return { shot: since };
    this.last = { state, shot: ++this.shots };
    return { image: renderTextMode(state), shot: this.shots };
  }
}

/** Whether two text states draw the same frame: every field, the text and font bytes included. */
export function sameTextState(a: VgaTextState, b: VgaTextState): boolean {
  const bytes = (d: Uint8Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  for (const key of Object.keys(a) as (keyof VgaTextState)[]) {
    const [x, y] = [a[key], b[key]];
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      if (!bytes(x).equals(bytes(y))) return false;
    } else if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (key === 'cursor') {
      const [c, d] = [a.cursor, b.cursor];
      if (c.address !== d.address || c.firstLine !== d.firstLine || c.lastLine !== d.lastLine || c.visible !== d.visible) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/** What the monitor shows now in a graphics mode (VgaCamera draws text modes itself). */
export function graphicsScreenshotFromVga(vga: V86Vga): RawImage {
  const width = vga.svga_enabled ? vga.svga_width : vga.screen_width;
  const height = vga.svga_enabled ? vga.svga_height : vga.screen_height;
  if (!vga.image_data || width <= 0 || height <= 0) return composeLayers([], 1, Math.max(width, 1), Math.max(height, 1), []);
  // Brings v86's RGBA frame buffer up to date (a browser calls this every animation frame).
  vga.screen_fill_buffer();
  const image = vga.image_data;
  if (vga.svga_enabled) {
    // Bochs VBE: the frame buffer is the picture, XRES×YRES as in QEMU.
    const whole = { screen_x: 0, screen_y: 0, buffer_x: 0, buffer_y: 0, buffer_width: width, buffer_height: height };
    return composeLayers(image.data, image.width, width, height, [whole]);
  }
  const shown = graphicsDisplaySize(graphicsTimingFromVga(vga));
  return scaleNearest(composeLayers(image.data, image.width, width, height, vga.layers), shown.width, shown.height);
}

export function graphicsTimingFromVga(vga: V86Vga): VgaGraphicsTiming {
  return {
    horizontalDisplayEnd: vga.horizontal_display_enable_end,
    verticalDisplayEnd: vga.vertical_display_enable_end,
    clockingMode: vga.clocking_mode,
    graphicsMode: vga.planar_mode,
  };
}

/** v86 only allocates its graphics frame buffer when `ImageData` exists; Node has none. */
export function installImageDataShim(): void {
  const scope = globalThis as { ImageData?: unknown };
  scope.ImageData ??= class ImageData {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  };
}
