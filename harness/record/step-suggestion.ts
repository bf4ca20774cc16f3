/**
 * What the recorder writes for what it sees: the wait that makes a replay reach the screen the
 * person acted on, and what a click is aimed at. Pure functions of the screens, so every rule
 * lives here: a text screen is waited for by a line of its text, a graphical one by a region
 * golden of what changed; a click on a graphical screen goes to the widget around the point
 * (screen/snap-box.ts), on a text screen to the point, or, when asked, to the words OCR reads
 * on the widget (labelAt).
 */
import { literalPattern } from '../config/pattern.js';
import type { RawImage } from '../machine/raw-image.js';
import { changedBox, rectsOverlap, type Rect } from '../machine/same-frame.js';
import type { RegionArea } from '../screen/find-region.js';
import { pointerBox } from '../screen/pointer-box.js';
import { snapBox } from '../screen/snap-box.js';
import { findText, type TextLine, type TextRead } from '../text/text-read.js';

/** One settled look at the screen: the frame, and its text when it is a text screen. */
export interface ScreenLook {
  readonly frame: RawImage;
  /** The text screen's rows that held still while it settled; undefined in a graphics mode. */
  readonly text?: readonly string[];
  /** Where bootgate had put the pointer: its cursor there is no part of the screen. */
  readonly pointer?: { readonly x: number; readonly y: number };
}

export type ScreenWait =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'region'; readonly area: RegionArea };

export type ClickTarget =
  | { readonly kind: 'region'; readonly area: RegionArea; readonly snapped: boolean }
  | { readonly kind: 'point'; readonly x: number; readonly y: number };

/** A changed box smaller than this each way grows to it: a few pixels are no picture to find. */
const MIN_WAIT_SIDE = 24;

/**
 * The wait for `now`, the screen an action left, against `before`, the one the action was given
 * on: on a text screen the last line that is new (the prompt, the answer), or on the first look
 * the first line with text; on a graphical one a region golden of the box that changed, the pointer's cursor
 * (before and now) left out. Undefined when nothing tells the two apart (the action changed nothing that shows),
 * and on a graphical screen's first look (the steps that led there waited for it).
 */
export function screenWait(before: ScreenLook | undefined, now: ScreenLook): ScreenWait | undefined {
  if (now.text) {
    const seen = new Set((before?.text ?? []).map((l) => l.trim()));
    const lines = now.text.map((l) => l.trim()).filter((l) => l.length > 0);
    const fresh = lines.filter((l) => !seen.has(l));
    const text = before?.text ? fresh[fresh.length - 1] : lines[0];
    return text ? { kind: 'text', text } : undefined;
  }
  // The first look: what the scenario's own steps waited for is the wait.
  if (!before) return undefined;
  if (before.text || before.frame.width !== now.frame.width || before.frame.height !== now.frame.height) {
    // A new mode: the whole screen is what appeared.
    return { kind: 'region', area: { x: 0, y: 0, width: now.frame.width, height: now.frame.height } };
  }
  // The cursor where it was and where it is: a click moves it, and that is no change to wait for.
  const cursors = [before.pointer, now.pointer].flatMap((p) => (p ? [pointerBox(p)] : []));
  const box = changedBox(before.frame, now.frame, cursors);
  return box ? { kind: 'region', area: atLeast(box, MIN_WAIT_SIDE, now.frame) } : undefined;
}

/** What a click at x,y is aimed at: on a graphical screen the widget around it, with the click point where the person clicked. */
export function clickTarget(look: ScreenLook, x: number, y: number): ClickTarget {
  if (look.text) return { kind: 'point', x, y };
  const { box, snapped } = snapBox(look.frame, x, y);
  return { kind: 'region', area: { ...box, clickPoint: { x: x - box.x, y: y - box.y } }, snapped };
}

/** The box grown about its centre to at least `side` each way, kept on the screen. */
function atLeast(box: Rect, side: number, frame: { readonly width: number; readonly height: number }): Rect {
  const width = Math.min(frame.width, Math.max(box.width, side));
  const height = Math.min(frame.height, Math.max(box.height, side));
  const x = Math.min(Math.max(0, box.x - Math.floor((width - box.width) / 2)), frame.width - width);
  const y = Math.min(Math.max(0, box.y - Math.floor((height - box.height) / 2)), frame.height - height);
  return { x, y, width, height };
}

/**
 * The label of the widget clicked at x,y: the words of the line through the point that lie on the
 * widget's box (a button's "Go Back"), letters or digits in each, and which match of them it is, top to bottom, when the
 * label shows more than once. Undefined where nothing is read there, or where what is read is not
 * found again as a label (a replay could not click it by its words).
 */
export function labelAt(read: TextRead, widget: Rect, x: number, y: number): { readonly text: string; readonly nth: number } | undefined {
  const inside = (b: Rect, px: number, py: number) => px >= b.x && px < b.x + b.width && py >= b.y && py < b.y + b.height;
  const labelled = (l: TextLine) => l.words.some((w) => /[\p{L}\p{N}]/u.test(w.text));
  // Off the line's rows, a widget's label is its one labelled line: on a bar with several buttons the click is on none of them.
  const within = read.lines.filter((l) => labelled(l) && inside(widget, l.box.x + l.box.width / 2, l.box.y + l.box.height / 2) && l.words.some((w) => inside(widget, w.box.x + w.box.width / 2, w.box.y + w.box.height / 2)));
  const line = read.lines.find((l) => l.box.y <= y && y < l.box.y + l.box.height && l.words.some((w) => rectsOverlap(w.box, widget))) ?? (within.length === 1 ? within[0] : undefined);
  // A button's edge read as "|" is no part of its label.
  const words = line?.words.filter((w) => rectsOverlap(w.box, widget) && /[\p{L}\p{N}]/u.test(w.text)) ?? [];
  if (words.length === 0) return undefined;
  const text = words.map((w) => w.text).join(' ');
  const matches = findText(read, literalPattern(text));
  const at = matches.findIndex((m) => rectsOverlap(m.box, widget));
  return at < 0 ? undefined : { text, nth: at + 1 };
}
