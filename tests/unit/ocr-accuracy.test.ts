/**
 * OCR accuracy on the corpus of bundled GUI frames (tests/fixtures/ocr), with the real engine
 * (WebAssembly, no emulator). It prints the recall and box error it measured. The floors are the
 * issue's target, met on the current preparation (docs/ocr.md): every title, button label and
 * other label found, every box within ±3 px of the letters.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FrameReader } from '../../harness/text/frame-reader.js';
import { loadCorpus, scoreRead, summarise, type WordScore } from '../support/ocr-corpus.js';

const reader = new FrameReader();
afterAll(() => reader.stop());

describe('OCR on the corpus of GUI frames', () => {
  it('finds every title, button label and other label, each within ±3 px', async () => {
    const corpus = await loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(9);
    const scores: WordScore[] = [];
    for (const frame of corpus) scores.push(...scoreRead(frame, await reader.read(frame.image, undefined, frame.pointer)));
    const summary = summarise(scores);
    console.log(`OCR corpus: ${JSON.stringify(summary)}`);
    const share = (k: string) => summary.recall[k]!.found / summary.recall[k]!.of;
    expect(share('title')).toBe(1);
    expect(share('button')).toBe(1);
    expect(share('label')).toBe(1);
    expect(summary.boxErrorMax).toBeLessThanOrEqual(3);
    expect(summary.boxErrorMedian).toBeLessThanOrEqual(1);
  }, 120_000);
});

describe('the job\'s frame reader', () => {
  it('reads a frame once: the same pixels again, in a new frame object, come from its cache', async () => {
    const [frame] = await loadCorpus();
    const own = new FrameReader();
    try {
      const first = await own.read(frame!.image);
      const again = await own.read({ ...frame!.image, data: new Uint8Array(frame!.image.data) });
      expect(again).toBe(first);
      expect(own.reads).toBe(1);
      await own.read(frame!.image, { x: 0, y: 0, width: 300, height: 60 });
      expect(own.reads).toBe(2);
    } finally {
      await own.stop();
    }
  }, 60_000);
});
