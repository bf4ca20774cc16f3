/**
 * The OCR corpus: frames of the bundled GUI images (tests/fixtures/ocr/*.png) with hand-checked
 * ground truth beside each (*.json): the words a scenario waits for or clicks, their kind, and
 * their box (the letters' ink, in frame pixels). Scoring finds each word with the same matching
 * the steps use (findText on a literal pattern) and takes the match nearest the true box.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { literalPattern } from '../../harness/config/pattern.js';
import type { RawImage } from '../../harness/machine/raw-image.js';
import type { Rect } from '../../harness/machine/same-frame.js';
import { readPng } from '../../harness/screen/png-file.js';
import { PROJECT_ROOT } from '../../harness/util/project-root.js';
import { findText, type TextRead } from '../../harness/text/text-read.js';

export const CORPUS_DIR = join(PROJECT_ROOT, 'tests/fixtures/ocr');
/** A match farther than this from the word is the same text elsewhere ("Next," in a sentence), not the word found. */
const FOUND_WITHIN_PX = 20;

export interface TruthWord {
  readonly text: string;
  readonly kind: 'title' | 'button' | 'label';
  readonly box: Rect;
}

export interface CorpusFrame {
  readonly name: string;
  readonly image: RawImage;
  /** Where the pointer was left, when its cursor is drawn on the frame (a reader is told, as a wait tells it). */
  readonly pointer?: { readonly x: number; readonly y: number };
  readonly words: readonly TruthWord[];
}

export async function loadCorpus(): Promise<CorpusFrame[]> {
  const names = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  return Promise.all(
    names.map(async (name) => {
      const truth = JSON.parse(readFileSync(join(CORPUS_DIR, `${name}.json`), 'utf8')) as { words: TruthWord[]; pointer?: { x: number; y: number } };
      const pointer = truth.pointer && { x: truth.pointer.x, y: truth.pointer.y };
      return { name, image: await readPng(join(CORPUS_DIR, `${name}.png`), 'corpus frame'), ...(pointer ? { pointer } : {}), words: truth.words };
    }),
  );
}

export interface WordScore {
  readonly frame: string;
  readonly word: TruthWord;
  /** Undefined when not found. */
  readonly found?: Rect;
  /** The largest distance of an edge of the box found from the true one, in pixels. */
  readonly boxError?: number;
}

export function scoreRead(frame: CorpusFrame, read: TextRead): WordScore[] {
  return frame.words.map((word) => {
    const near = findText(read, literalPattern(word.text))
      .map((m) => ({ box: m.box, error: boxError(m.box, word.box) }))
      .filter((m) => m.error <= FOUND_WITHIN_PX)
      .sort((a, b) => a.error - b.error)[0];
    return near ? { frame: frame.name, word, found: near.box, boxError: near.error } : { frame: frame.name, word };
  });
}

export function boxError(a: Rect, b: Rect): number {
  return Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y), Math.abs(a.x + a.width - b.x - b.width), Math.abs(a.y + a.height - b.y - b.height));
}

/** Recall by kind and box errors over the found words, for a test's or a benchmark's report. */
export function summarise(scores: readonly WordScore[]) {
  const kinds = ['title', 'button', 'label'] as const;
  const recall = Object.fromEntries(kinds.map((k) => {
    const of = scores.filter((s) => s.word.kind === k);
    return [k, { found: of.filter((s) => s.found).length, of: of.length }];
  }));
  const errors = scores.flatMap((s) => (s.boxError === undefined ? [] : [s.boxError])).sort((a, b) => a - b);
  return {
    recall,
    found: scores.filter((s) => s.found).length,
    words: scores.length,
    boxErrorMedian: errors[Math.floor(errors.length / 2)] ?? null,
    boxErrorMax: errors.at(-1) ?? null,
    missed: scores.filter((s) => !s.found).map((s) => `${s.frame}: ${s.word.text} (${s.word.kind})`),
  };
}
