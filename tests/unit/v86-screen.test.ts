import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import {
  composeLayers,
  graphicsDisplaySize,
  renderTextMode,
  scaleNearest,
  graphicsScreenshotFromVga,
  textPalette,
  textStateFromVga,
  type V86Vga,
  VgaCamera,
  type VgaTextState,
} from '../../harness/machine/v86/v86-screen.js';

// The standard 16 text colours (0xRRGGBB), as SeaBIOS programs them through the DAC.
const CGA = [
  0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
  0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
];
const BLUE = CGA[1]!;
const GREY = CGA[7]!;
const BRIGHT_BLUE = CGA[9]!;
const YELLOW = CGA[14]!;

function font(): Uint8Array {
  const plane2 = new Uint8Array(0x10000);
  // 'A' (0x41): leftmost and rightmost dots on line 0, a full bar on line 1.
  plane2[0x41 * 32 + 0] = 0b1000_0001;
  plane2[0x41 * 32 + 1] = 0xff;
  // '─' (0xC4), a line-graphics character: a full bar on line 8, dot 8 set so the 9th repeats it.
  plane2[0xc4 * 32 + 8] = 0xff;
  // Map B (offset 8 KiB) draws 'A' as a single dot at line 0, dot 3.
  plane2[8192 + 0x41 * 32 + 0] = 0b0001_0000;
  return plane2;
}

function state(overrides: Partial<VgaTextState> = {}): VgaTextState {
  return {
    cols: 2,
    rows: 1,
    charHeight: 16,
    charWidth: 9,
    doubleWidth: false,
    doubleScan: false,
    lineGraphics: true,
    blinkEnabled: true,
    fontOffsetA: 0,
    fontOffsetB: 0,
    font: font(),
    // 'A' yellow on blue, '─' grey on black.
    text: Uint8Array.from([0x41, 0x1e, 0xc4, 0x07]),
    startAddress: 0,
    rowStride: 2,
    splitRow: 99,
    palette: CGA,
    colorPlaneMask: 0x0f,
    cursor: { address: 1, firstLine: 14, lastLine: 15, visible: false },
    screenOn: true,
    ...overrides,
  };
}

function pixel(image: RawImage, x: number, y: number): number {
  const i = (y * image.width + x) * 4;
  expect(image.data[i + 3]).toBe(0xff);
  return (image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!;
}

describe('renderTextMode', () => {
  it('draws glyphs from plane 2 in attribute colours, 9 dots wide like QEMU', () => {
    const image = renderTextMode(state());
    expect([image.width, image.height]).toEqual([18, 16]);
    expect(pixel(image, 0, 0)).toBe(YELLOW);
    expect(pixel(image, 1, 0)).toBe(BLUE);
    expect(pixel(image, 7, 0)).toBe(YELLOW);
    expect(pixel(image, 8, 0)).toBe(BLUE); // the 9th column of a letter is background
    expect(pixel(image, 4, 1)).toBe(YELLOW);
    expect(pixel(image, 4, 2)).toBe(BLUE);
  });

  it('repeats the 8th dot into the 9th for line-graphics characters only when enabled', () => {
    expect(pixel(renderTextMode(state()), 9 + 8, 8)).toBe(GREY);
    expect(pixel(renderTextMode(state({ lineGraphics: false })), 9 + 8, 8)).toBe(0x000000);
  });

  it('uses 8-dot cells and doubled pixels when the sequencer says so', () => {
    const narrow = renderTextMode(state({ charWidth: 8 }));
    expect(narrow.width).toBe(16);
    expect(pixel(narrow, 8, 8)).toBe(GREY); // the second cell starts at x = 8
    const wide = renderTextMode(state({ doubleWidth: true, doubleScan: true }));
    expect([wide.width, wide.height]).toEqual([36, 32]);
    expect(pixel(wide, 1, 1)).toBe(YELLOW);
    expect(pixel(wide, 2, 0)).toBe(BLUE);
  });

  it('takes attribute bit 7 as blink (dim background) or as a bright background', () => {
    const text = Uint8Array.from([0x20, 0x9e, 0x20, 0x07]);
    expect(pixel(renderTextMode(state({ text })), 3, 3)).toBe(BLUE);
    expect(pixel(renderTextMode(state({ text, blinkEnabled: false })), 3, 3)).toBe(BRIGHT_BLUE);
  });

  it('draws a visible cursor in the foreground colour on its scan lines', () => {
    const image = renderTextMode(state({ cursor: { address: 1, firstLine: 14, lastLine: 15, visible: true } }));
    expect(pixel(image, 9, 14)).toBe(GREY);
    expect(pixel(image, 17, 15)).toBe(GREY);
    expect(pixel(image, 9, 13)).toBe(0x000000);
  });

  it('starts at the CRTC start address and restarts at 0 below the split row', () => {
    const text = Uint8Array.from([0x41, 0x1e, 0x20, 0x00, 0x20, 0x00, 0x41, 0x1e]);
    const image = renderTextMode(state({ rows: 2, text, startAddress: 2, splitRow: 1 }));
    expect(pixel(image, 9, 0)).toBe(YELLOW); // row 0 shows cells 2–3: 'A' in the second column
    expect(pixel(image, 0, 0)).toBe(0x000000);
    expect(pixel(image, 0, 16)).toBe(YELLOW); // row 1 shows cells 0–1: 'A' in the first column
  });

  it('picks character map B for attribute bit 3 clear when two maps are active', () => {
    const text = Uint8Array.from([0x41, 0x16, 0x41, 0x1e]); // bit 3 clear, then set
    const image = renderTextMode(state({ text, fontOffsetB: 8192 }));
    expect(pixel(image, 3, 0)).toBe(CGA[6]); // map B's single dot
    expect(pixel(image, 0, 0)).toBe(BLUE);
    expect(pixel(image, 9, 0)).toBe(YELLOW); // map A's 'A'
  });

  it('is black when the screen is switched off', () => {
    const image = renderTextMode(state({ screenOn: false }));
    expect(pixel(image, 0, 0)).toBe(0);
  });
});

describe('textPalette', () => {
  it('maps attribute colours through the attribute palette and the DAC', () => {
    const dac = new Int32Array(256);
    dac[0x14] = 0xaa5500;
    dac[0x3f] = 0xffffff;
    dac[0x1f] = 0x123456;
    const attributePalette = [0, 1, 2, 3, 4, 5, 0x14, 7, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f];
    const palette = textPalette({ attributePalette, attributeMode: 0x0c, colorSelect: 0, dac, dacMask: 0xff });
    expect(palette[6]).toBe(0xaa5500);
    expect(palette[15]).toBe(0xffffff);
    // With the P5/P4 select bit, the colour select register supplies bits 4–7.
    expect(textPalette({ attributePalette, attributeMode: 0x8c, colorSelect: 0x01, dac, dacMask: 0xff })[15]).toBe(0x123456);
  });
});

describe('composeLayers', () => {
  it('copies layer rectangles onto an opaque black screen, clipped at every edge', () => {
    // A 3×2 source: red green blue / white white white.
    const source = Uint8Array.from([
      255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255,
      255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    ]);
    const layer = { screen_x: -1, screen_y: 0, buffer_x: 0, buffer_y: 0, buffer_width: 3, buffer_height: 2 };
    const image = composeLayers(source, 3, 3, 3, [layer]);
    expect(pixel(image, 0, 0)).toBe(0x00ff00); // shifted left by one: red is off screen
    expect(pixel(image, 1, 0)).toBe(0x0000ff);
    expect(pixel(image, 2, 0)).toBe(0x000000);
    expect(pixel(image, 0, 1)).toBe(0xffffff);
    expect(pixel(image, 0, 2)).toBe(0x000000);
  });
});

/** A v86 VGA in 80×25 text mode, as SeaBIOS leaves it, with an invisible cursor at cell 123. */
function textVga(): V86Vga {
  return {
    graphical_mode: false,
    max_cols: 80,
    max_rows: 25,
    max_scan_line: 0x4f,
    clocking_mode: 0x00,
    attribute_mode: 0x0c,
    character_map_select: 0x04 | 0x10, // map A = VGA index 1 (16 KiB), map B = index 4 (8 KiB)
    color_plane_enable: 0x0f,
    color_select: 0,
    start_address: 80,
    offset_register: 40,
    line_compare: 1023,
    cursor_address: 123,
    cursor_scanline_start: 0x20 | 14,
    cursor_scanline_end: 15,
    dac_map: new Uint8Array(16),
    dac_mask: 0xff,
    vga256_palette: new Int32Array(256),
    vga_memory: new Uint8Array(0x40000),
    plane2: new Uint8Array(0x10000),
    scan_line_to_screen_row: (line: number) => Math.ceil(line / 16),
  } as unknown as V86Vga;
}

describe('textStateFromVga', () => {
  it('reads v86 VGA registers the way the hardware defines them', () => {
    const s = textStateFromVga(textVga());
    expect(s).toMatchObject({
      cols: 80, rows: 25, charHeight: 16, charWidth: 9, doubleScan: false, lineGraphics: true, blinkEnabled: true,
      fontOffsetA: 16384, fontOffsetB: 8192, startAddress: 80, rowStride: 80, splitRow: 64,
      cursor: { address: 123, firstLine: 14, lastLine: 15, visible: false }, screenOn: true,
    });
    expect(renderTextMode(s)).toMatchObject({ width: 720, height: 400 });
  });
});

describe('VgaCamera', () => {
  it('draws a text screen once, and again only when something it shows changed', () => {
    const vga = textVga();
    const camera = new VgaCamera();
    const first = camera.take(vga);
    expect(first.image).toMatchObject({ width: 720, height: 400 });
    expect(camera.take(vga, first.shot)).toEqual({ shot: first.shot });
    // Without the shot the caller holds, or with an older one, it draws.
    expect(camera.take(vga).image).toBeDefined();
    const held = camera.take(vga, 999);
    expect(held.image).toBeDefined();
    const changes: ((v: Record<string, any>) => void)[] = [
      (v) => (v.vga_memory[(80 + 5) * 2] = 0x41), // a character on the screen
      (v) => (v.plane2[0x4000 + 7] = 0xff), // a glyph of the font in use
      (v) => (v.vga256_palette[0] = 0x123456), // the DAC colour every attribute maps to here
      (v) => (v.cursor_scanline_start = 14), // the cursor shown
      (v) => (v.start_address = 0), // the page scrolled
    ];
    let last = held.shot;
    for (const change of changes) {
      change(vga as unknown as Record<string, any>);
      const shot = camera.take(vga, last);
      expect(shot.image).toBeDefined();
      expect(camera.take(vga, shot.shot).image).toBeUndefined();
      last = shot.shot;
    }
  });
});

// CRTC/sequencer/graphics-controller values as SeaBIOS programs them for the standard modes.
const MODE_13H = { horizontalDisplayEnd: 0x4f, verticalDisplayEnd: 0x18f, clockingMode: 0x01, graphicsMode: 0x40 };
const MODE_12H = { horizontalDisplayEnd: 0x4f, verticalDisplayEnd: 0x1df, clockingMode: 0x01, graphicsMode: 0x00 };
const MODE_0DH = { horizontalDisplayEnd: 0x27, verticalDisplayEnd: 0x18f, clockingMode: 0x09, graphicsMode: 0x00 };

describe('graphicsDisplaySize', () => {
  it('counts 8 dots per character clock and every scan line, as QEMU screendump does', () => {
    expect(graphicsDisplaySize(MODE_13H)).toEqual({ width: 640, height: 400 });
    expect(graphicsDisplaySize(MODE_12H)).toEqual({ width: 640, height: 480 });
  });

  it('doubles the width for a halved dot clock in the 16-colour shift mode, not in the 256-colour one', () => {
    expect(graphicsDisplaySize(MODE_0DH)).toEqual({ width: 640, height: 400 });
    expect(graphicsDisplaySize({ ...MODE_13H, clockingMode: 0x09 })).toEqual({ width: 640, height: 400 });
  });
});

describe('scaleNearest', () => {
  it('turns every pixel into an exact block for whole-number ratios', () => {
    // 2×1: red, blue → 4×2.
    const image = scaleNearest({ width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 255]) }, 4, 2);
    expect([image.width, image.height]).toEqual([4, 2]);
    expect([0, 1, 2, 3].map((x) => pixel(image, x, 0))).toEqual([0xff0000, 0xff0000, 0x0000ff, 0x0000ff]);
    expect([0, 1, 2, 3].map((x) => pixel(image, x, 1))).toEqual([0xff0000, 0xff0000, 0x0000ff, 0x0000ff]);
  });

  it('hands back the same image when the size already fits', () => {
    const same = { width: 1, height: 1, data: Uint8Array.from([1, 2, 3, 255]) };
    expect(scaleNearest(same, 1, 1)).toBe(same);
  });
});

describe('graphicsScreenshotFromVga in graphics modes', () => {
  /** A v86 VGA in a 256-colour mode that shows 8×4 dots: v86 keeps 4×2 guest pixels. */
  function vga256(overrides: Partial<V86Vga> = {}): V86Vga {
    // Guest pixels, row 0: black, red, green, blue; row 1: white, grey, yellow, cyan.
    const colours = [0x000000, 0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0x808080, 0xffff00, 0x00ffff];
    const data = new Uint8ClampedArray(colours.flatMap((c) => [c >> 16, (c >> 8) & 0xff, c & 0xff, 255]));
    return {
      graphical_mode: true,
      svga_enabled: false,
      svga_width: 0,
      svga_height: 0,
      screen_width: 4,
      screen_height: 2,
      horizontal_display_enable_end: 0, // one character clock: 8 dots
      vertical_display_enable_end: 3, // 4 scan lines
      clocking_mode: 0x01,
      planar_mode: 0x40,
      image_data: { data, width: 4, height: 2 },
      layers: [{ screen_x: 0, screen_y: 0, buffer_x: 0, buffer_y: 0, buffer_width: 4, buffer_height: 2 }],
      screen_fill_buffer: () => undefined,
      ...overrides,
    } as unknown as V86Vga;
  }

  it('shows a mode-13h-style frame at the monitor size, each guest pixel two dots wide and two lines high', () => {
    const image = graphicsScreenshotFromVga(vga256());
    expect([image.width, image.height]).toEqual([8, 4]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((x) => pixel(image, x, 0))).toEqual([
      0x000000, 0x000000, 0xff0000, 0xff0000, 0x00ff00, 0x00ff00, 0x0000ff, 0x0000ff,
    ]);
    expect(pixel(image, 0, 1)).toBe(0x000000);
    expect(pixel(image, 2, 2)).toBe(0x808080);
    expect(pixel(image, 7, 3)).toBe(0x00ffff);
  });

  it('leaves a Bochs VBE frame at its own resolution, whatever the CRTC registers still say', () => {
    const image = graphicsScreenshotFromVga(vga256({ svga_enabled: true, svga_width: 4, svga_height: 2 }));
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(pixel(image, 1, 0)).toBe(0xff0000);
    expect(pixel(image, 3, 1)).toBe(0x00ffff);
  });
});
