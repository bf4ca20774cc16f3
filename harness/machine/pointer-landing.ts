/**
 * A relative (PS/2) pointer walked onto a pixel, and corrected from the frames where the guest
 * accelerates it. Small slow steps keep X's classic acceleration out, but not libinput's or an
 * old desktop OS's, which scale every motion by its speed: there a walk ends tens of pixels off.
 * The guest draws its cursor into the frame, so after the walk bootgate finds it there and
 * moves it on, leg by leg, until it is on the pixel.
 *
 * Finding the cursor needs no knowledge of its shape: pinned in the top-left corner (where
 * acceleration only pushes it harder), it covers the corner's pixels; once it has left, the
 * corner shows what was under it. The pixels that changed there are the cursor, placed as they
 * are drawn for a pointer at (0, 0), so where the same pixels appear again is the pointer's
 * position. A guest that draws no cursor (a text screen, a boot sector) leaves the corner alone
 * and gets the plain walk.
 */
import { cpuNow, guestHadTurn, type GuestTurnSource } from './guest-turn.js';
import type { RawImage } from './raw-image.js';
import { changedBox, sameFrame, type Rect } from './same-frame.js';

export type Delta = readonly [dx: number, dy: number];

/**
 * What a backend gives the walk: packets paced like a mouse, the screen once they are read, and
 * where it can tell, whether the guest has had its turn to draw the cursor where they took it.
 */
export interface RelativePointerPort extends GuestTurnSource {
  /** Sends one packet per delta (screen pixels, y down) and resolves once the guest has read them. */
  send(deltas: readonly Delta[]): Promise<void>;
  screenshot(): Promise<RawImage>;
}

/** Largest PS/2 step that X's default acceleration (threshold 4) leaves alone. */
const PS2_STEP_PX = 4;
/** One PS/2 packet per 10 ms, a mouse sampling at 100 Hz: the guest sees a slow, even motion. */
export const PS2_PACKET_MS = 10;

/** The corner the cursor is pinned in and read from: larger than any cursor (X's are ≤ 32 px). */
const CORNER_PX = 32;
/** Fewer changed corner pixels than this is not a cursor (a caret, noise). */
const MIN_SPRITE_PIXELS = 12;
/** A candidate must show this share of the cursor's pixels, each within COLOUR_SLACK. */
const MIN_MATCH = 0.9;
const COLOUR_SLACK = 48;
/**
 * The share of the way the first leg goes, per try: a cursor read in the corner and lost after
 * the leg, or not pinned, is pinned again and tried with the next, up to one per share. Each try
 * waits RETRY_PAUSE_MS longer first, for a busy guest (a busy cursor, a window system drawing the
 * screen just clicked to) to be done, about 3 s in all; and ends elsewhere, since where a leg
 * ends may be what changed the cursor (an I-beam over a text the installer lets you select).
 * Later shares go further: a target is a widget that shows the cursor it was read as.
 */
const FIRST_LEG_SHARES = [0.5, 0.75, 0.875, 0.25, 0.5];
const RETRY_PAUSE_MS = 300;
/**
 * A pinned cursor shows pixels this close to the corner: any cursor's picture covers its hot spot
 * or the pixels beside it. Read further out, it was still on its way there.
 */
const PINNED_PX = 2;
/** Legs after the first: far legs shrink by a quarter or more each, near ones go 1 px at a time. */
const MAX_CORRECTIONS = 16;
/** Within this many pixels the legs are 1 px steps, which no guest accelerates much. */
const NEAR_PX = 8;
/**
 * Frames taken until two in a row are the same and the guest had its turn between them, after
 * it has read the packets: a starved X server may not have moved the cursor 40 ms later.
 */
const SETTLE_FRAMES = 25;
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
  /** How many legs the walk took after the first (each followed by a look at the cursor). */
  readonly corrections: number;
  /** How many times it was pinned in the corner to read the cursor (more than one when a read could not be trusted). */
  readonly pins: number;
  /** Why the cursor was not followed, when it was read in the corner but could not be: the walk ends where acceleration took it. */
  readonly lost?: 'not-pinned' | 'changed';
}

/**
 * Walks the pointer to (x, y) and, where the guest's cursor can be found, corrects until it is
 * there. Never fails on its own: a cursor that cannot be found, or that will not land, leaves the
 * pointer where the walk took it (the step that needed the spot fails on what the screen shows).
 *
 * Each leg goes part of the way left, at the gain the last leg showed, and a look at the frame
 * says where it ended. A guest's gain grows with the speed and length of a motion (libinput's
 * does), so a long leg's gain overestimates the next, shorter one's: the legs undershoot, which
 * is safe, where an overshoot could push the cursor into the bottom-right corner, out of sight.
 */
export async function landPointer(port: RelativePointerPort, x: number, y: number, size: { readonly width: number; readonly height: number }): Promise<PointerLanding> {
  await port.send(pinDeltas(size));
  // A target inside the corner would cover the pixels the cursor is read from.
  if (x < CORNER_PX && y < CORNER_PX) {
    await port.send(stepDeltas(x, y, PS2_STEP_PX));
    return { corrections: 0, pins: 1 };
  }
  let firstLeg = { x, y };
  let first: { readonly frame: RawImage; readonly sprite?: Sprite; readonly found?: { x: number; y: number }; readonly lost?: PointerLanding['lost'] };
  let pins = 1;
  // Pinned once more when the corner's read cannot be trusted (FIRST_LEG_SHARES): a cursor not
  // seen again after the first leg changed its shape, and without another read the walk ends
  // where acceleration throws it; one read away from the corner's edges had not got there yet,
  // and its picture, taken as drawn that far from the pointer, would put every leg that far off.
  for (; ; pins++) {
    if (pins > 1) {
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * (pins - 1)));
      await port.send(pinDeltas(size));
    }
    // Part of the way first (all of it when that is still in the corner), to learn the guest's gain.
    const share = FIRST_LEG_SHARES[pins - 1]!;
    const part = { x: Math.round(x * share), y: Math.round(y * share) };
    firstLeg = part.x >= CORNER_PX || part.y >= CORNER_PX ? part : { x, y };
    const corner = await settledFrame(port);
    await port.send(stepDeltas(firstLeg.x, firstLeg.y, PS2_STEP_PX));
    const frame = await settledFrame(port);
    const read = spriteFrom(corner, frame);
    const sprite = read && pinned(read) ? read : undefined;
    const found = sprite && findSprite(frame, sprite, changedBox(corner, frame, [{ x: 0, y: 0, width: CORNER_PX, height: CORNER_PX }]), firstLeg);
    first = { frame, ...(sprite ? { sprite } : {}), ...(found ? { found } : {}), ...(read && !found ? { lost: sprite ? ('changed' as const) : ('not-pinned' as const) } : {}) };
    if (found || !read || pins === FIRST_LEG_SHARES.length) break;
  }
  if (!first.sprite || !first.found) {
    await port.send(stepDeltas(x - firstLeg.x, y - firstLeg.y, PS2_STEP_PX));
    await pushToEdges(port, x, y, size);
    return { corrections: 0, pins, ...(first.lost ? { lost: first.lost } : {}) };
  }
  const sprite = first.sprite;
  let frame = first.frame;
  let seen: { x: number; y: number } = first.found;
  const gain = { x: legGain(seen.x, firstLeg.x, 1), y: legGain(seen.y, firstLeg.y, 1) };
  const onEdge = { x: x === size.width - 1, y: y === size.height - 1 };
  const off = (at: { x: number; y: number }) => ({ x: onEdge.x ? 0 : x - at.x, y: onEdge.y ? 0 : y - at.y });
  let corrections = 0;
  for (; corrections < MAX_CORRECTIONS && (off(seen).x !== 0 || off(seen).y !== 0); corrections++) {
    const error = off(seen);
    const near = Math.max(Math.abs(error.x), Math.abs(error.y)) <= NEAR_PX;
    // A guest that moved exactly what it was sent does not accelerate: go all the way.
    const whole = near || (gain.x === 1 && gain.y === 1);
    const leg = { x: legFor(error.x, gain.x, whole), y: legFor(error.y, gain.y, whole) };
    await port.send(stepDeltas(leg.x, leg.y, near ? 1 : PS2_STEP_PX));
    const before = frame;
    frame = await settledFrame(port);
    const moved = changedBox(before, frame);
    const next = moved ? findSprite(frame, sprite, grow(moved, sprite), { x: seen.x + leg.x, y: seen.y + leg.y }) : seen;
    if (!next) break;
    gain.x = legGain(next.x - seen.x, leg.x, gain.x);
    gain.y = legGain(next.y - seen.y, leg.y, gain.y);
    seen = next;
  }
  await pushToEdges(port, x, y, size);
  return { seen, corrections, pins };
}

/**
 * A pixel on the screen's last row or column is where a cursor shows least of itself, and where
 * pushing on is exact: the guest stops the pointer at the edge, whatever its acceleration.
 */
async function pushToEdges(port: RelativePointerPort, x: number, y: number, size: { readonly width: number; readonly height: number }): Promise<void> {
  const push = { x: x === size.width - 1 ? 100 : 0, y: y === size.height - 1 ? 100 : 0 };
  if (push.x || push.y) await port.send(pinDeltas(size).map(() => [push.x, push.y] as const));
}

/** The gain a leg showed on one axis: pixels moved per pixel sent; a leg too short to tell keeps the last. */
function legGain(moved: number, sent: number, last: number): number {
  return Math.abs(sent) >= 4 && Math.sign(moved) === Math.sign(sent) ? clampGain(moved / sent) : last;
}

/**
 * The pixels to send towards an `error` at `gain`: three quarters of the way while far (so a
 * gain that grew with the leg's length does not overshoot), all of it once near or where the
 * guest does not accelerate, and at least one, so a slow guest's sub-pixel remainders add up.
 */
function legFor(error: number, gain: number, whole: boolean): number {
  if (error === 0) return 0;
  return Math.sign(error) * Math.max(1, Math.round((Math.abs(error) * (whole ? 1 : 0.75)) / gain));
}

function clampGain(gain: number): number {
  return Math.min(4, Math.max(0.25, gain));
}

/**
 * A frame the guest has finished drawing: two in a row the same with the guest's turn between
 * them, or the last of a few. The first is taken a moment after the packets were read, so the
 * guest's window system has had its turn.
 */
async function settledFrame(port: RelativePointerPort): Promise<RawImage> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_GAP_MS));
  let last = await port.screenshot();
  let cpu = await cpuNow(port);
  for (let n = 1; n < SETTLE_FRAMES; n++) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_GAP_MS));
    // Asked before the frame is taken: a guest that finishes drawing just after it was seen busy
    // shows its new frame next time, not a stale one taken before its idle look.
    const turn = await guestHadTurn(port, cpu, SETTLE_GAP_MS);
    const next = await port.screenshot();
    if (!sameFrame(last, next)) cpu = await cpuNow(port);
    else if (turn.had) return next;
    last = next;
  }
  return last;
}

/** The corner pixels that changed when the cursor left it, as drawn at (0, 0); undefined if too few. */
function spriteFrom(corner: RawImage, away: RawImage): Sprite | undefined {
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

/** Whether the sprite reaches the corner's edges, as a cursor drawn for a pointer at (0, 0) does. */
function pinned(sprite: Sprite): boolean {
  let [left, top] = [CORNER_PX, CORNER_PX];
  for (let p = 0; p < sprite.offsets.length; p += 2) [left, top] = [Math.min(left, sprite.offsets[p]!), Math.min(top, sprite.offsets[p + 1]!)];
  return left <= PINNED_PX && top <= PINNED_PX;
}

/**
 * The pointer position within `box` (the area that changed when the cursor arrived) at which the
 * frame shows the sprite best, the one nearest `near` among equals; undefined when none shows
 * MIN_MATCH of it.
 */
function findSprite(frame: RawImage, sprite: Sprite, box: Rect | undefined, near: { readonly x: number; readonly y: number }): { x: number; y: number } | undefined {
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
