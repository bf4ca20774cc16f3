/**
 * Where a frame may hold text: the boxes of clusters of letter-sized marks, found on the frame cut
 * to black and white. Tesseract's own layout analysis over a whole screen costs as much as reading
 * a sparse one (the mini desktop's 800×600 pages are mostly background), so bootgate hands it only
 * these boxes. The marks are connected components of ink and of paper both (light letters on a dark
 * band are paper); the rest of the screen (backgrounds, bands, window frames, rules) is too large
 * or too solid for a letter. An outline around other marks (a button's border, the Athena widgets'
 * ovals) is left out too: Tesseract takes what an outline encloses for part of one picture, and
 * read no "Next" in an oval.
 */
import type { Rect } from '../machine/same-frame.js';
import type { Edges } from './tight-box.js';

/** Grey levels below this are ink: between the installer's text (~0–60) and its buttons (~230). */
export const THRESHOLD = 140;
/** Taller marks are not letters (GUI fonts are 8–20 px high). */
const MAX_MARK_HEIGHT = 40;
const MAX_MARK_WIDTH = 6 * MAX_MARK_HEIGHT;
/**
 * Marks this close (a word space, a line's descender to the next line's ascender) are one cluster:
 * 8 px, or 0.8 of the taller mark's height for a larger font (the dark theme's 20 px title has
 * word spaces of 9–11 px, read word by word, its words apart, at 8 px).
 */
const JOIN_X = 8;
const JOIN_X_PER_HEIGHT = 0.8;
const JOIN_Y = 1;
const joinX = (a: Mark, b: Mark) => Math.max(JOIN_X, Math.ceil(JOIN_X_PER_HEIGHT * Math.max(a.y1 - a.y0, b.y1 - b.y0)));

export interface Mark extends Readonly<Edges> {
  /** Pixels in it. */
  readonly n: number;
  /** 1 for ink, 0 for paper. */
  readonly ink: 0 | 1;
  /** Letter-sized and not an outline: kept for reading. */
  letter: boolean;
}

/** A cluster of letters; `rows` when the pointer's cursor lies on it: the rows of its letters off the cursor. */
export interface InkLine {
  readonly box: Rect;
  readonly rows?: { readonly y0: number; readonly y1: number };
}

export interface InkLines {
  /** The mark each pixel belongs to (an index into marks). */
  readonly markOf: Int32Array;
  readonly marks: readonly Mark[];
  readonly lines: readonly InkLine[];
  /** Marks the pointer's box touches: the cursor, and letters it joins. */
  readonly underPointer: ReadonlySet<Mark>;
}

/**
 * `pointer`: where the guest's cursor may be drawn (its box, in these pixels). The cursor is
 * letter-sized and joins the letters it touches; a line it lies on is cut to the rows of its
 * letters off the cursor, so the arrow below a label is neither read nor in the label's box.
 */
export function inkLines(grey: Uint8Array, width: number, height: number, pointer?: Rect): InkLines {
  const ink = new Uint8Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = grey[i]! < THRESHOLD ? 1 : 0;
  const { marks, markOf } = connectedMarks(ink, width, height);
  for (const m of marks) m.letter = letterSized(m);
  const letters = marks.filter((m) => m.letter);
  for (const [id, m] of marks.entries()) if (m.letter && isOutline(m, id, markOf, width) && letters.some((o) => o.ink === m.ink && encloses(m, o))) m.letter = false;
  const touches = (m: Mark) => pointer !== undefined && m.x0 < pointer.x + pointer.width && pointer.x < m.x1 && m.y0 < pointer.y + pointer.height && pointer.y < m.y1;
  const underPointer = new Set(letters.filter(touches));
  const lines = clusters(marks.filter((m) => m.letter)).flatMap((members): InkLine[] => {
    const all = members.reduce<Edges>(joined, members[0]!);
    const off = members.filter((m) => !underPointer.has(m));
    const rows = off.length && off.length < members.length ? { y0: Math.min(...off.map((m) => m.y0)), y1: Math.max(...off.map((m) => m.y1)) } : undefined;
    const b = rows ? { ...all, ...rows } : all;
    const box = { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 };
    return box.height >= 5 && box.width >= 4 ? [{ box, ...(rows ? { rows } : {}) }] : [];
  });
  return { markOf, marks, lines: lines.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x), underPointer };
}

function letterSized(m: Mark): boolean {
  const [w, h] = [m.x1 - m.x0, m.y1 - m.y0];
  const rule = h <= 2 && w > 3 * MAX_MARK_HEIGHT;
  const band = m.n > 0.9 * w * h && w > 2 * h && h > 3;
  return h <= MAX_MARK_HEIGHT && w <= MAX_MARK_WIDTH && !rule && !band;
}

function encloses(m: Mark, o: Mark): boolean {
  return o !== m && o.x0 > m.x0 && o.x1 < m.x1 && o.y0 > m.y0 && o.y1 < m.y1;
}

/** A thin mark that runs along the four sides of its box: a frame drawn around something. */
function isOutline(m: Mark, id: number, markOf: Int32Array, width: number): boolean {
  const [w, h] = [m.x1 - m.x0, m.y1 - m.y0];
  if (h < 10 || m.n >= 0.35 * w * h) return false;
  let [top, bottom, left, right] = [0, 0, 0, 0];
  for (let x = m.x0; x < m.x1; x++) {
    if (markOf[m.y0 * width + x] === id) top++;
    if (markOf[(m.y1 - 1) * width + x] === id) bottom++;
  }
  for (let y = m.y0; y < m.y1; y++) {
    if (markOf[y * width + m.x0] === id) left++;
    if (markOf[y * width + m.x1 - 1] === id) right++;
  }
  return [top >= 0.5 * w, bottom >= 0.5 * w, left >= 0.3 * h, right >= 0.3 * h].every(Boolean);
}

/** Components of equal pixels: ink joined through corners too (a thin oval's diagonal steps), paper only through sides. */
function connectedMarks(ink: Uint8Array, width: number, height: number): { marks: Mark[]; markOf: Int32Array } {
  const markOf = new Int32Array(width * height).fill(-1);
  const stack = new Int32Array(width * height);
  const marks: Mark[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (markOf[start]! >= 0) continue;
    const v = ink[start]!;
    const id = marks.length;
    let [x0, y0, x1, y1, n, sp] = [width, height, 0, 0, 0, 0];
    markOf[start] = id;
    stack[sp++] = start;
    // Neighbours as offsets, inlined: this loop visits every pixel of the frame.
    while (sp) {
      const p = stack[--sp]!;
      const x = p % width;
      const y = (p - x) / width;
      n++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const [left, right, up, down] = [x > 0, x < width - 1, y > 0, y < height - 1];
      let q = p - 1;
      if (left && markOf[q]! < 0 && ink[q] === v) (markOf[q] = id), (stack[sp++] = q);
      q = p + 1;
      if (right && markOf[q]! < 0 && ink[q] === v) (markOf[q] = id), (stack[sp++] = q);
      q = p - width;
      if (up && markOf[q]! < 0 && ink[q] === v) (markOf[q] = id), (stack[sp++] = q);
      q = p + width;
      if (down && markOf[q]! < 0 && ink[q] === v) (markOf[q] = id), (stack[sp++] = q);
      if (v === 1) {
        q = p - width - 1;
        if (up && left && markOf[q]! < 0 && ink[q] === 1) (markOf[q] = id), (stack[sp++] = q);
        q = p - width + 1;
        if (up && right && markOf[q]! < 0 && ink[q] === 1) (markOf[q] = id), (stack[sp++] = q);
        q = p + width - 1;
        if (down && left && markOf[q]! < 0 && ink[q] === 1) (markOf[q] = id), (stack[sp++] = q);
        q = p + width + 1;
        if (down && right && markOf[q]! < 0 && ink[q] === 1) (markOf[q] = id), (stack[sp++] = q);
      }
    }
    marks.push({ x0, y0, x1: x1 + 1, y1: y1 + 1, n, ink: v as 0 | 1, letter: false });
  }
  return { marks, markOf };
}

function joined(a: Readonly<Edges>, b: Readonly<Edges>): Edges {
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

function overlap(a: Edges, b: Edges): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Marks within joinX across and JOIN_Y up or down of each other, joined (union-find over a sweep by x). */
function clusters(marks: readonly Mark[]): Mark[][] {
  const order = [...marks].sort((a, b) => a.x0 - b.x0);
  const parent = order.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  let active: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const m = order[i]!;
    active = active.filter((j) => order[j]!.x1 + JOIN_X_PER_HEIGHT * MAX_MARK_HEIGHT >= m.x0);
    for (const j of active) {
      const o = order[j]!;
      if (o.x1 + joinX(m, o) >= m.x0 && m.y0 <= o.y1 + JOIN_Y && o.y0 <= m.y1 + JOIN_Y) parent[root(i)] = root(j);
    }
    active.push(i);
  }
  const byRoot = new Map<number, Mark[]>();
  order.forEach((m, i) => byRoot.set(root(i), [...(byRoot.get(root(i)) ?? []), m]));
  // Clusters whose boxes overlap (a button's broken border around its label) are one: else the label is read twice.
  const groups: { box: Edges; members: Mark[] }[] = [];
  for (const members of byRoot.values()) {
    let group = { box: members.reduce<Edges>(joined, members[0]!), members };
    for (let i = groups.findIndex((o) => overlap(o.box, group.box)); i >= 0; i = groups.findIndex((o) => overlap(o.box, group.box))) {
      const [other] = groups.splice(i, 1);
      group = { box: joined(group.box, other!.box), members: [...group.members, ...other!.members] };
    }
    groups.push(group);
  }
  return groups.map((g) => g.members);
}
