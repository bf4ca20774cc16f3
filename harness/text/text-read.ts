/**
 * Text read off a frame by OCR, line by line with boxes, and where a pattern matches in it. A
 * pattern is matched against each line's words joined by single spaces, so "Go Back" matches the
 * two words of a button; the match's box is the union of the words it touches, cut to the matched
 * characters' share of a word it covers in part ("3" of "3:"). A literal pattern also matches
 * words with one misread letter in every FUZZY_CHARS ("Contjnue" where the pointer covers the i,
 * "arriére"), and with punctuation before or after ("desktop," for "desktop"): OCR misreads what
 * an exact read of a text screen never does. A regular expression matches as written.
 */
import type { Pattern } from '../config/pattern.js';
import type { Rect } from '../machine/same-frame.js';

/** A literal of this many characters may differ by one edit; "Next" (4) must be read exactly. */
const FUZZY_CHARS = 7;

export interface TextWord {
  readonly text: string;
  readonly box: Rect;
  /** Each character's box, when the engine gave one per character: a match of part of the word is cut to them. */
  readonly letters?: readonly Rect[];
  /** 0..100, the engine's. */
  readonly confidence: number;
}

export interface TextLine {
  readonly text: string;
  readonly box: Rect;
  readonly words: readonly TextWord[];
}

export interface TextRead {
  /** The frame's size, so a report can draw the boxes to scale. */
  readonly width: number;
  readonly height: number;
  /** The part of the frame read, when not all of it. */
  readonly area?: Rect;
  readonly lines: readonly TextLine[];
}

export interface TextMatch {
  /** The text the pattern matched, as read. */
  readonly text: string;
  readonly box: Rect;
  /** Where a click on it goes: the box's centre. */
  readonly centre: { readonly x: number; readonly y: number };
}

/** Every match of `pattern` in `read`, top to bottom, left to right. */
export function findText(read: TextRead, pattern: Pattern): TextMatch[] {
  const global = new RegExp(pattern.regex.source, pattern.regex.flags.includes('g') ? pattern.regex.flags : `${pattern.regex.flags}g`);
  const matches: TextMatch[] = [];
  for (const line of read.lines) {
    const found = exactMatches(line, global);
    matches.push(...(found.length || pattern.literal === undefined ? found : fuzzyMatches(line, pattern.literal)));
  }
  return matches.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
}

function exactMatches(line: TextLine, global: RegExp): TextMatch[] {
  const text = line.words.map((w) => w.text).join(' ');
  const matches: TextMatch[] = [];
  for (const m of text.matchAll(global)) {
    if (m[0].length === 0) continue;
    matches.push(matchOf(m[0], boxOf(line.words, m.index, m.index + m[0].length)));
  }
  return matches;
}

function fuzzyMatches(line: TextLine, literal: string): TextMatch[] {
  const want = literal.split(/\s+/).filter(Boolean);
  const target = want.join(' ');
  const allowed = Math.floor(target.length / FUZZY_CHARS);
  if (allowed === 0) return [];
  const matches: TextMatch[] = [];
  for (let i = 0; i + want.length <= line.words.length; i++) {
    const words = line.words.slice(i, i + want.length);
    const joined = words.map((w) => w.text).join(' ');
    const lead = /^[^\p{L}\p{N}]*/u.exec(joined)![0].length;
    const trail = /[^\p{L}\p{N}]*$/u.exec(joined)![0].length;
    const read = joined.slice(lead, Math.max(lead, joined.length - trail));
    // The punctuation left out ("machine:" for "machine") is left out of the box too.
    if (read && editDistance(read, target, allowed) <= allowed) matches.push(matchOf(read, boxOf(words, lead, lead + read.length)));
  }
  return matches;
}

/** The box of characters [from, to) of `words` joined by single spaces. */
function boxOf(words: readonly TextWord[], from: number, to: number): Rect {
  const boxes: Rect[] = [];
  let at = 0;
  for (const word of words) {
    const end = at + word.text.length;
    if (at < to && end > from) boxes.push(partOf(word, Math.max(0, from - at), Math.min(word.text.length, to - at)));
    at = end + 1;
  }
  return unionOf(boxes);
}

/** The box of characters [from, to) of a word: their own boxes, or else their share of its width. */
function partOf(word: TextWord, from: number, to: number): Rect {
  const n = word.text.length;
  if (from === 0 && to === n) return word.box;
  if (word.letters?.length === n) return unionOf(word.letters.slice(from, to));
  const x0 = word.box.x + Math.round((word.box.width * from) / n);
  const x1 = word.box.x + Math.round((word.box.width * to) / n);
  return { x: x0, y: word.box.y, width: Math.max(1, x1 - x0), height: word.box.height };
}

function matchOf(text: string, box: Rect): TextMatch {
  return { text, box, centre: { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) } };
}

/** Levenshtein distance, or more than `max` as soon as it must be. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return max + 1;
    previous = row;
  }
  return previous[b.length]!;
}

export function unionOf(boxes: readonly Rect[]): Rect {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The read as a person checks it: one line per text line, with its box, at most `maxLines`. */
export function describeRead(read: TextRead, maxLines = 30): string {
  if (read.lines.length === 0) return `no text read on the ${read.width}×${read.height} frame${read.area ? ` in ${boxText(read.area)}` : ''}`;
  const shown = read.lines.slice(0, maxLines).map((l) => `${JSON.stringify(l.text)} at ${boxText(l.box)}`);
  const more = read.lines.length > maxLines ? [`… ${read.lines.length - maxLines} more lines`] : [];
  return [...shown, ...more].join('\n');
}

export function boxText(b: Rect): string {
  return `${b.x},${b.y} ${b.width}×${b.height}`;
}
