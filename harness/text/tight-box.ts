/**
 * A word's box cut to its letters. Tesseract's box of a word in a button or a highlighted row
 * takes in the button's border or the band's edges where they touch the letters (a "Continue"
 * 24 px high for letters of 10). On the black-and-white image the engine read, the edge rows and
 * columns of the box that are all paper, or nearly all ink (a border line, a band), are cut
 * away; letters have both.
 */
import type { PreparedFrame } from './prepare-frame.js';

/** A row or column this full of ink (or of paper, in a light-on-dark band) is a border, not a letter. */
const SOLID = 0.85;

export interface Edges {
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
}

export function tightBox(image: PreparedFrame, box: Edges): Edges {
  const b = { ...box };
  const ink = (x: number, y: number) => image.pixels[y * image.width + x] === 0;
  const rowInk = (y: number) => {
    let n = 0;
    for (let x = b.x0; x < b.x1; x++) if (ink(x, y)) n++;
    return n / (b.x1 - b.x0);
  };
  const colInk = (x: number) => {
    let n = 0;
    for (let y = b.y0; y < b.y1; y++) if (ink(x, y)) n++;
    return n / (b.y1 - b.y0);
  };
  // A band cut to black carries its letters in white: whichever of ink and paper is rarer in the box is the letters.
  let inkShare = 0;
  for (let y = b.y0; y < b.y1; y++) inkShare += rowInk(y);
  const dark = inkShare / (b.y1 - b.y0) > 0.5;
  const plain = (share: number) => (dark ? share < 1 - SOLID || share === 1 : share === 0 || share > SOLID);
  for (let changed = true; changed && b.x1 - b.x0 > 1 && b.y1 - b.y0 > 1; ) {
    changed = false;
    if (b.y1 - b.y0 > 1 && plain(rowInk(b.y0))) (b.y0++, (changed = true));
    if (b.y1 - b.y0 > 1 && plain(rowInk(b.y1 - 1))) (b.y1--, (changed = true));
    if (b.x1 - b.x0 > 1 && plain(colInk(b.x0))) (b.x0++, (changed = true));
    if (b.x1 - b.x0 > 1 && plain(colInk(b.x1 - 1))) (b.x1--, (changed = true));
  }
  return b;
}
