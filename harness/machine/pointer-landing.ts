/**
 * A relative (PS/2) pointer walked onto a pixel, and corrected from the frames where the guest
 * accelerates it. Small slow steps keep X's classic acceleration out, but not libinput's or an
 * old desktop OS's, which scale every motion by its speed: there a walk ends tens of pixels off.
 * The guest draws its cursor into the frame, so after the walk bootgate finds it there and
 * nudges it until it is on the pixel.
 *
 * Finding the cursor needs no knowledge of its shape: pinned in the top-left corner (where
 * acceleration only pushes it harder), it covers the corner's pixels; once it has left, the
 * corner shows what was under it. The pixels that changed there are the cursor, placed as they
 * are drawn for a pointer at (0, 0), so where the same pixels appear again is the pointer's
 * position. A guest that draws no cursor (a text screen, a boot sector) leaves the corner alone
 * and gets the plain walk.
 */
import type { RawImage } from './raw-image.js';
import { changedBox, sameFrame, type Rect } from './same-frame.js';

export type Delta = readonly [dx: number, dy: number];

/** What a backend gives the walk: packets paced like a mouse, and the screen once they are read. */
export interface RelativePointerPort {
  /** Sends one packet per delta (screen pixels, y down) and resolves once the guest has read them. */
  send(deltas: readonly Delta[]): Promise<void>;
  screenshot(): Promise<RawImage>;
}

/** Largest PS/2 step that X's default acceleration (threshold 4) leaves alone. */
export const PS2_STEP_PX = 4;
/** One PS/2 packet per 10 ms, a mouse sampling at 100 Hz: the guest sees a slow, even motion. */
export const PS2_PACKET_MS = 10;

/** The corner the cursor is pinned in and read from: larger than any cursor (X's are ≤ 32 px). */
const CORNER_PX = 32;
/** Fewer changed corner pixels than this is not a cursor (a caret, noise). */
const MIN_SPRITE_PIXELS = 12;
/** A candidate must show this share of the cursor's pixels, each within COLOUR_SLACK. */
const MIN_MATCH = 0.9;
const COLOUR_SLACK = 48;
/** Nudges after the walk; acceleration shrinks with distance, so a few are enough. */
const MAX_NUDGES = 12;
/** Frames taken until two in a row are the same, after the guest has read the packets. */
const SETTLE_FRAMES = 8;
const SETTLE_GAP_MS = 40;

/** Deltas that pin the pointer in the top-left corner from anywhere on the screen. */
export function pinDeltas(size: { readonly width: number; readonly height: number }): Delta[] {
  const home = 100;
  return Array.from({ length: Math.ceil((Math.max(size.width, size.height) * 2) / home) }, () => [-home, -home] as const);
}

/** Deltas of at most `step` px per axis that add up to (dx, dy), either sign. */
export function stepDeltas(dx: number, dy: number, step: number): Delta[] {
  const deltas: Delta[] = [];
  for (let rx = dx, ry = dy; rx !== 0 || ry !== 0; ) {
    const sx = Math.sign(rx) * Math.min(step, Math.abs(rx));
    const sy = Math.sign(ry) * Math.min(step, Math.abs(ry));
    deltas.push([sx, sy]);
    rx -= sx;
    ry -= sy;
  }
  return deltas;
}

/** The cursor as drawn for a pointer at (0, 0): pixel offsets from the pointer and their colours. */
interface Sprite {
  readonly offsets: Int32Array; // x, y pairs
  readonly colours: Uint8Array; // r, g, b per pixel
  readonly width: number;
  readonly height: number;
}

export interface PointerLanding {
  /** Where the cursor was last seen; undefined when the guest draws none that could be found. */
  readonly seen?: { readonly x: number; readonly y: number };
  /** How many nudges the walk needed after the walk itself. */
  readonly nudges: number;
}

/**
 * Walks the pointer to (x, y) and, where the guest's cursor can be found, corrects until it is
 * there. Never fails on its own: a cursor that cannot be found, or that will not land, leaves the
 * pointer where the walk took it (the step that needed the spot fails on what the screen shows).
 */
export async function landPointer(port: RelativePointerPort, x: number, y: number, size: { readonly width: number; readonly height: number }): Promise<PointerLanding> {
  await port.send(pinDeltas(size));
  // A target inside the corner would cover the pixels the cursor is read from.
  if (x < CORNER_PX && y < CORNER_PX) {
    await port.send(stepDeltas(x, y, PS2_STEP_PX));
    return { nudges: 0 };
  }
  const corner = await settledFrame(port);
  // Half way first, where the cursor cannot overshoot the screen's edge, to learn the guest's
  // gain at the walk's speed; then the rest at that gain.
  const half = { x: Math.round(x / 2), y: Math.round(y / 2) };
  const twoLegs = half.x >= CORNER_PX || half.y >= CORNER_PX;
  const firstLeg = twoLegs ? half : { x, y };
  await port.send(stepDeltas(firstLeg.x, firstLeg.y, PS2_STEP_PX));
  let frame = await settledFrame(port);
  const sprite = spriteFrom(corner, frame);
  if (!sprite) {
    if (twoLegs) await port.send(stepDeltas(x - half.x, y - half.y, PS2_STEP_PX));
    await pushToEdges(port, x, y, size);
    return { nudges: 0 };
  }
  const cornerBox = [{ x: 0, y: 0, width: CORNER_PX, height: CORNER_PX }];
  let seen = findSprite(frame, sprite, changedBox(corner, frame, cornerBox), firstLeg);
  if (twoLegs && seen) {
    const walkGain = { x: legGain(seen.x, half.x), y: legGain(seen.y, half.y) };
    const before = frame;
    const rest = { x: Math.round((x - seen.x) / walkGain.x), y: Math.round((y - seen.y) / walkGain.y) };
    await port.send(stepDeltas(rest.x, rest.y, PS2_STEP_PX));
    frame = await settledFrame(port);
    const moved = changedBox(before, frame);
    seen = moved ? findSprite(frame, sprite, grow(moved, sprite), { x, y }) : seen;
  }
  // Pixels per pixel sent, per axis, as the last nudge showed; the first nudge assumes 1.
  const gain = { x: 1, y: 1 };
  let nudges = 0;
  const onEdge = { x: x === size.width - 1, y: y === size.height - 1 };
  const off = (at: { x: number; y: number }) => ({ x: onEdge.x ? 0 : x - at.x, y: onEdge.y ? 0 : y - at.y });
  while (seen && (off(seen).x !== 0 || off(seen).y !== 0) && nudges < MAX_NUDGES) {
    const error = off(seen);
    const sent = { x: nudgeFor(error.x, gain.x), y: nudgeFor(error.y, gain.y) };
    await port.send(stepDeltas(sent.x, sent.y, 1));
    nudges++;
    const before = frame;
    frame = await settledFrame(port);
    const moved = changedBox(before, frame);
    const next = moved ? findSprite(frame, sprite, grow(moved, sprite), { x: seen.x + sent.x, y: seen.y + sent.y }) : seen;
    if (!next) return { nudges };
    if (sent.x !== 0 && next.x !== seen.x) gain.x = clampGain((next.x - seen.x) / sent.x);
    if (sent.y !== 0 && next.y !== seen.y) gain.y = clampGain((next.y - seen.y) / sent.y);
    seen = next;
  }
  await pushToEdges(port, x, y, size);
  return { ...(seen ? { seen } : {}), nudges };
}

/**
 * A pixel on the screen's last row or column is where a cursor shows least of itself, and where
 * pushing on is exact: the guest stops the pointer at the edge, whatever its acceleration.
 */
async function pushToEdges(port: RelativePointerPort, x: number, y: number, size: { readonly width: number; readonly height: number }): Promise<void> {
  const push = { x: x === size.width - 1 ? 100 : 0, y: y === size.height - 1 ? 100 : 0 };
  if (push.x || push.y) await port.send([[push.x, push.y]]);
}

/** The gain a leg showed on one axis; a leg too short to tell counts as 1. */
function legGain(seen: number, sent: number): number {
  return sent >= 8 ? clampGain(seen / sent) : 1;
}

/** Pixels to send for `error` at `gain`: at least one towards the target, so a slow guest's sub-pixel remainder adds up. */
function nudgeFor(error: number, gain: number): number {
  if (error === 0) return 0;
  return Math.sign(error) * Math.max(1, Math.round(Math.abs(error) / gain));
}

function clampGain(gain: number): number {
  return Math.min(4, Math.max(0.25, gain));
}

/** A frame the guest has finished drawing: two in a row the same, or the last of a few. */
async function settledFrame(port: RelativePointerPort): Promise<RawImage> {
  let last = await port.screenshot();
  for (let n = 1; n < SETTLE_FRAMES; n++) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_GAP_MS));
    const next = await port.screenshot();
    if (sameFrame(last, next)) return next;
    last = next;
  }
  return last;
}

/** The corner pixels that changed when the cursor left it, as drawn at (0, 0); undefined if too few. */
export function spriteFrom(corner: RawImage, away: RawImage): Sprite | undefined {
  if (corner.width !== away.width || corner.height !== away.height) return undefined;
  const offsets: number[] = [];
  const colours: number[] = [];
  let [width, height] = [0, 0];
  for (let y = 0; y < Math.min(CORNER_PX, corner.height); y++) {
    for (let x = 0; x < Math.min(CORNER_PX, corner.width); x++) {
      const i = (y * corner.width + x) * 4;
      if (colourDistance(corner.data, i, away.data, i) === 0) continue;
      offsets.push(x, y);
      colours.push(corner.data[i]!, corner.data[i + 1]!, corner.data[i + 2]!);
      [width, height] = [Math.max(width, x + 1), Math.max(height, y + 1)];
    }
  }
  if (offsets.length / 2 < MIN_SPRITE_PIXELS) return undefined;
  return { offsets: Int32Array.from(offsets), colours: Uint8Array.from(colours), width, height };
}

/**
 * The pointer position within `box` (the area that changed when the cursor arrived) at which the
 * frame shows the sprite best, the one nearest `near` among equals; undefined when none shows
 * MIN_MATCH of it.
 */
export function findSprite(frame: RawImage, sprite: Sprite, box: Rect | undefined, near: { readonly x: number; readonly y: number }): { x: number; y: number } | undefined {
  if (!box) return undefined;
  const pixels = sprite.offsets.length / 2;
  const allowedMisses = Math.floor(pixels * (1 - MIN_MATCH));
  let best: { x: number; y: number; misses: number; distance: number } | undefined;
  const [x0, y0] = [Math.max(0, box.x - sprite.width + 1), Math.max(0, box.y - sprite.height + 1)];
  const [x1, y1] = [Math.min(frame.width - 1, box.x + box.width - 1), Math.min(frame.height - 1, box.y + box.height - 1)];
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      let misses = 0;
      let visible = 0;
      for (let p = 0; p < pixels && misses <= allowedMisses; p++) {
        const [fx, fy] = [px + sprite.offsets[2 * p]!, py + sprite.offsets[2 * p + 1]!];
        if (fx >= frame.width || fy >= frame.height) continue; // off the screen's edge
        visible++;
        if (colourDistance(frame.data, (fy * frame.width + fx) * 4, sprite.colours, 3 * p) > COLOUR_SLACK) misses++;
      }
      if (misses > allowedMisses || visible < MIN_SPRITE_PIXELS) continue;
      const distance = Math.abs(px - near.x) + Math.abs(py - near.y);
      if (!best || misses < best.misses || (misses === best.misses && distance < best.distance)) best = { x: px, y: py, misses, distance };
    }
  }
  return best && { x: best.x, y: best.y };
}

/** Sum of the channel differences of the RGB pixels at a[i] and b[j] (RGBA frames, or the sprite's packed RGB). */
function colourDistance(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  return Math.abs(a[i]! - b[j]!) + Math.abs(a[i + 1]! - b[j + 1]!) + Math.abs(a[i + 2]! - b[j + 2]!);
}

/** A changed area, grown by the sprite's size on every side: the cursor may have left or entered it. */
function grow(box: Rect, sprite: Sprite): Rect {
  return { x: box.x - sprite.width, y: box.y - sprite.height, width: box.width + 2 * sprite.width, height: box.height + 2 * sprite.height };
}
