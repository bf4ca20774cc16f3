/** Matching patterns in text OCR read: words joined per line, boxes of the words touched, literals with a misread letter. */
import { describe, expect, it } from 'vitest';
import { literalPattern } from '../../harness/config/pattern.js';
import { patternSchema } from '../../harness/config/value-schemas.js';
import { describeRead, findText, type TextRead, type TextWord } from '../../harness/text/text-read.js';

const word = (text: string, x: number, y: number, width: number): TextWord => ({ text, box: { x, y, width, height: 10 }, confidence: 90 });
const line = (...words: TextWord[]) => ({ text: words.map((w) => w.text).join(' '), box: { x: 0, y: 0, width: 1, height: 1 }, words });
const READ: TextRead = {
  width: 800,
  height: 600,
  lines: [line(word('Page', 223, 210, 23), word('2', 253, 210, 5), word('of', 265, 210, 11), word('3:', 283, 210, 12)), line(word('Go', 600, 570, 18), word('Back', 622, 570, 31)), line(word('Contjnue', 708, 569, 62)), line(word('Next,', 517, 300, 28)), line(word('Next', 251, 343, 20))],
};

describe('findText', () => {
  it('matches across the words of a line, with the union of their boxes, and cuts a word matched in part to its characters', () => {
    expect(findText(READ, literalPattern('Go Back'))).toEqual([{ text: 'Go Back', box: { x: 600, y: 570, width: 53, height: 10 }, centre: { x: 627, y: 575 } }]);
    // "3" of "3:": half of the word's box.
    expect(findText(READ, literalPattern('Page 2 of 3'))[0]!.box).toEqual({ x: 223, y: 210, width: 66, height: 10 });
  });

  it('lets a literal of 7 or more characters match with one misread letter, a short one only exactly, a regex only as written', () => {
    expect(findText(READ, literalPattern('Continue')).map((m) => m.text)).toEqual(['Contjnue']);
    expect(findText(READ, literalPattern('Bock'))).toEqual([]);
    expect(findText(READ, patternSchema.parse({ regex: '^Continue$' }))).toEqual([]);
  });

  it('orders matches top to bottom, so nth picks among repeated labels, and finds "Next" in "Next,"', () => {
    expect(findText(READ, literalPattern('Next')).map((m) => m.box.y)).toEqual([300, 343]);
  });

  it('cuts a word matched in part to its characters\' own boxes when the engine gave them, and leaves a literal\'s punctuation out of its box', () => {
    // "Next." read in an oval: the phantom dot is narrow, a share of the width (4 of 5) would cut the t.
    const letters = [{ x: 212, y: 343, width: 6, height: 9 }, { x: 219, y: 343, width: 5, height: 9 }, { x: 225, y: 343, width: 4, height: 9 }, { x: 230, y: 343, width: 3, height: 9 }, { x: 233, y: 350, width: 1, height: 2 }];
    const oval: TextRead = { width: 800, height: 600, lines: [line({ ...word('Next.', 212, 343, 22), letters })] };
    expect(findText(oval, literalPattern('Next'))[0]!.box).toEqual({ x: 212, y: 343, width: 21, height: 9 });
    // "machine:" with the colon a space away: a fuzzy match's box stops at the e.
    const label: TextRead = { width: 800, height: 600, lines: [line(word('fom', 26, 193, 28), word('de', 59, 193, 14), word('machine:', 77, 193, 60))] };
    expect(findText(label, literalPattern('Nom de machine'))[0]!.box).toEqual({ x: 26, y: 193, width: 104, height: 10 });
  });

  it('describes a read line by line with boxes', () => {
    expect(describeRead(READ, 2)).toBe('"Page 2 of 3:" at 0,0 1×1\n"Go Back" at 0,0 1×1\n… 3 more lines');
  });
});
