/**
 * The OCR engine: Tesseract 5 compiled to WebAssembly (tesseract.js), with Debian's English model
 * (apt tesseract-ocr-eng: tessdata_fast's, a smaller network than the npm package's integer "best"
 * model, read 1.4x faster on the corpus for the same number of words found), so nothing is
 * fetched. One engine runs in its
 * own worker thread and stays loaded for a job (loading the model costs about a second; a
 * Tesseract CLI started per frame pays a quarter of that on every frame). It is single-threaded
 * WebAssembly: it takes one core at most, leaving the emulator its own.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Tesseract from 'tesseract.js';
import { InfraError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';
import { prepareFrame, stripOf, toFrame, type Point, type Strip } from './prepare-frame.js';
import { tightBox } from './tight-box.js';
import { unionOf, type TextLine, type TextRead, type TextWord } from './text-read.js';

/** Where Debian's tesseract-ocr-eng puts its model (scripts/setup.sh installs it). */
export const MODEL_DIR = '/usr/share/tesseract-ocr/5/tessdata';

export class OcrEngine {
  private constructor(private readonly worker: Tesseract.Worker) {}

  static async start(): Promise<OcrEngine> {
    if (!existsSync(join(MODEL_DIR, 'eng.traineddata'))) throw new InfraError(`the OCR engine's English model is not installed: ${join(MODEL_DIR, 'eng.traineddata')} is missing (apt-get install tesseract-ocr-eng, or run scripts/setup.sh)`);
    try {
      // cacheMethod none: tesseract.js would otherwise write a copy of the model into the working directory.
      const worker = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, { langPath: MODEL_DIR, gzip: false, cacheMethod: 'none', errorHandler: () => {} });
      // Sparse text: a screen is labels scattered over a picture, not a page of paragraphs.
      // debug_file: Tesseract's notes ("Estimating resolution as 245") would go to the run's stderr.
      await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT, debug_file: '/dev/null' });
      return new OcrEngine(worker);
    } catch (e) {
      throw new InfraError(`the OCR engine did not start: ${(e as Error).message ?? String(e)}`, { cause: e });
    }
  }

  /** The text of `frame` (or of `area` of it), in the frame's pixels; `pointer`: where bootgate put the pointer. */
  async read(frame: RawImage, area?: Rect, pointer?: Point): Promise<TextRead> {
    const clip = clipToFrame(frame, area);
    const image = await prepareFrame(frame, clip, pointer);
    const lines: TextLine[] = [];
    if (image.pgm) {
      const { data } = await this.worker.recognize(image.pgm, {}, { blocks: true, text: false });
      for (const block of data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            // A line of the picture may run through strips packed side by side: one line of text per strip.
            const perStrip = new Map<Strip, TextWord[]>();
            for (const w of line.words) {
              const text = w.text.trim();
              const edges = tightBox(image, w.bbox);
              const strip = stripOf(image, edges);
              if (!text || !strip) continue;
              const symbols = w.symbols ?? [];
              const letters = symbols.length === text.length ? { letters: symbols.map((c) => toFrame(tightBox(image, c.bbox), strip)) } : {};
              perStrip.set(strip, [...(perStrip.get(strip) ?? []), { text, box: toFrame(edges, strip), ...letters, confidence: Math.round(w.confidence) }]);
            }
            for (const words of perStrip.values()) lines.push({ text: words.map((w) => w.text).join(' '), box: unionOf(words.map((w) => w.box)), words });
          }
        }
      }
    }
    lines.sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
    return { width: frame.width, height: frame.height, ...(area ? { area: clip } : {}), lines };
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

function clipToFrame(frame: RawImage, area?: Rect): Rect {
  if (!area) return { x: 0, y: 0, width: frame.width, height: frame.height };
  const x = Math.min(Math.max(0, area.x), frame.width - 1);
  const y = Math.min(Math.max(0, area.y), frame.height - 1);
  return { x, y, width: Math.max(1, Math.min(area.width, frame.width - x)), height: Math.max(1, Math.min(area.height, frame.height - y)) };
}
