/**
 * Benchmark: what reading a graphical screen costs, and how well it reads. On the OCR corpus
 * (tests/fixtures/ocr: the bundled GUI images' frames at 800×600 and 1280×800), per full frame and
 * per 300×60 area (around the installer's Continue button), with the same preparation (the frame's
 * clusters of letters packed into one picture, 2×, cut to black and white; prepare-frame.ts) and
 * the same model (Debian's tesseract-ocr-eng) for two engines:
 *   - tesseract.js, the engine bootgate uses: WebAssembly, one worker kept loaded;
 *   - Debian's tesseract CLI (apt tesseract-ocr), started per frame as a CLI must be, one thread
 *     (OMP_THREAD_LIMIT=1), TSV boxes; skipped when it is not installed.
 * Both single-threaded, as a wait runs beside an emulator. Recall and box error on the corpus for
 * each, and how much of a frame's time the preparation alone takes. Then the cost to an emulator beside it: a QEMU guest's busy loop (mini-shell preset),
 * iterations per second of guest work, alone and while the engine reads frames without pause.
 * Figures go to bench-results/ocr.json. Targets: median ≤ 300 ms per full frame, ≤ 50 ms per area.
 *
 *   node dist/bench/ocr.js [--runs N] [--no-emulator]
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { RawImage } from '../harness/machine/raw-image.js';
import type { Rect } from '../harness/machine/same-frame.js';
import { OcrEngine } from '../harness/text/ocr-engine.js';
import { prepareFrame, stripOf, toFrame, type Point } from '../harness/text/prepare-frame.js';
import type { TextLine, TextRead } from '../harness/text/text-read.js';
import { createMachine } from '../harness/machine/create-machine.js';
import { resolveProfile } from '../harness/vm-config/load-profile.js';
import { buildPreset } from '../harness/preset/build-preset.js';
import { PROJECT_ROOT } from '../harness/util/project-root.js';
import { loadCorpus, scoreRead, summarise, type CorpusFrame } from '../tests/support/ocr-corpus.js';
import { numberOption, writeFigures } from './bench-options.js';
import { median } from './process-tree.js';

const runs = numberOption('--runs', 3);
const withEmulator = !process.argv.includes('--no-emulator');
/** The installer's Continue button and around it, on its 1280×800 and 800×600 frames. */
const AREA: Record<number, Rect> = { 1280: { x: 980, y: 740, width: 300, height: 60 }, 800: { x: 500, y: 540, width: 300, height: 60 } };

type Reader = (frame: RawImage, area?: Rect, pointer?: Point) => Promise<TextRead>;

async function cliAvailable(): Promise<boolean> {
  return execa('tesseract', ['--version']).then(() => true, () => false);
}

/** The CLI as a per-frame process: the same prepared PGM on stdin, TSV words back. */
const cliRead: Reader = async (frame, area, pointer) => {
  const clip = area ?? { x: 0, y: 0, width: frame.width, height: frame.height };
  const image = await prepareFrame(frame, clip, pointer);
  if (!image.pgm) return { width: frame.width, height: frame.height, lines: [] };
  const { stdout } = await execa('tesseract', ['-', '-', '--psm', '11', '-l', 'eng', 'tsv'], { input: image.pgm, env: { OMP_THREAD_LIMIT: '1' } });
  const lines = new Map<string, TextLine>();
  for (const row of stdout.split('\n').slice(1)) {
    const c = row.split('\t');
    const text = c[11]?.trim();
    if (c[0] !== '5' || !text) continue;
    const [x, y, w, h] = c.slice(6, 10).map(Number) as [number, number, number, number];
    const edges = { x0: x, y0: y, x1: x + w, y1: y + h };
    const strip = stripOf(image, edges);
    if (!strip) continue;
    const box = toFrame(edges, strip);
    const key = `${c.slice(1, 5).join('.')}@${strip.frame.x},${strip.frame.y}`;
    const line = lines.get(key);
    const word = { text, box, confidence: Number(c[10]) };
    lines.set(key, line ? { text: `${line.text} ${text}`, box: line.box, words: [...line.words, word] } : { text, box, words: [word] });
  }
  return { width: frame.width, height: frame.height, lines: [...lines.values()] };
};

/** `cpu`: also this process's CPU time per full frame (the WebAssembly worker's; a CLI's child is not counted). */
async function timeReads(read: Reader, corpus: readonly CorpusFrame[], cpu = false) {
  const full: Record<string, number[]> = {};
  const fullCpu: Record<string, number[]> = {};
  const area: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const f of corpus) {
      const key = `${f.image.width}x${f.image.height}`;
      let t = performance.now();
      const used = process.cpuUsage();
      await read(f.image, undefined, f.pointer);
      (full[key] ??= []).push(performance.now() - t);
      const { user, system } = process.cpuUsage(used);
      (fullCpu[key] ??= []).push((user + system) / 1000);
      const box = AREA[f.image.width];
      if (box && f.name.startsWith('select-')) {
        t = performance.now();
        await read(f.image, box, f.pointer);
        area.push(performance.now() - t);
      }
    }
  }
  const ms = (xs: number[]) => ({ medianMs: Math.round(median(xs)), maxMs: Math.round(Math.max(...xs)), n: xs.length });
  const cpuMedians = cpu ? { fullFrameCpuMs: Object.fromEntries(Object.entries(fullCpu).map(([k, v]) => [k, Math.round(median(v))])) } : {};
  return { fullFrame: Object.fromEntries(Object.entries(full).map(([k, v]) => [k, ms(v)])), ...cpuMedians, area300x60: ms(area) };
}

/** The preparation alone (finding the lines, packing and scaling them), median per frame size. */
async function preparation(corpus: readonly CorpusFrame[]) {
  const times: Record<string, number[]> = {};
  for (let r = 0; r < runs; r++) {
    for (const f of corpus) {
      const t = performance.now();
      await prepareFrame(f.image, { x: 0, y: 0, width: f.image.width, height: f.image.height }, f.pointer);
      (times[`${f.image.width}x${f.image.height}`] ??= []).push(performance.now() - t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { medianMs: Math.round(median(v)), n: v.length }]));
}

async function accuracy(read: Reader, corpus: readonly CorpusFrame[]) {
  const scores = [];
  for (const f of corpus) scores.push(...scoreRead(f, await read(f.image, undefined, f.pointer)));
  return summarise(scores);
}

/** Guest busy-loop iterations per second over serial, the shell's own arithmetic. */
async function guestRate(): Promise<{ alone: number[]; withOcr: number[] }> {
  const { imagePath } = await buildPreset(join(PROJECT_ROOT, 'presets/mini-shell'));
  const work = mkdtempSync(join(tmpdir(), 'bench-ocr-'));
  const machine = createMachine('qemu', { profile: resolveProfile('p3-i440fx', PROJECT_ROOT), media: { cdrom: imagePath }, workDir: work });
  const loops = 20000;
  const once = async (n: number) => {
    const from = machine.serial.text.length;
    const started = performance.now();
    await machine.sendSerial(`i=0; while [ $i -lt ${loops} ]; do i=$((i+1)); done; echo loop-done-${n}\n`);
    for (;;) {
      if (machine.serial.text.slice(from).includes(`loop-done-${n}\r`) || machine.serial.text.slice(from).includes(`loop-done-${n}\n`)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return Math.round(loops / ((performance.now() - started) / 1000));
  };
  try {
    await machine.start();
    for (;;) {
      if (machine.serial.text.includes('shell ready')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const corpus = await loadCorpus();
    const engine = await OcrEngine.start();
    const alone: number[] = [];
    const withOcr: number[] = [];
    let n = 0;
    for (let r = 0; r < runs; r++) {
      alone.push(await once(n++));
      let reading = true;
      // Reads without pause, no cache: the worst a wait can ask (a screen that changes on every frame).
      const busy = (async () => {
        for (let i = 0; reading; i++) await engine.read(corpus[i % corpus.length]!.image);
      })();
      withOcr.push(await once(n++));
      reading = false;
      await busy;
    }
    await engine.stop();
    return { alone, withOcr };
  } finally {
    await machine.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

const corpus = await loadCorpus();
const load = () => loadavg()[0]!.toFixed(2);
const figures: Record<string, unknown> = { cores: cpus().length, runs, loadBefore: load() };

const started = performance.now();
const engine = await OcrEngine.start();
figures.engineStartMs = Math.round(performance.now() - started);
const jsRead: Reader = (frame, area, pointer) => engine.read(frame, area, pointer);
figures.tesseractJs = { ...(await timeReads(jsRead, corpus, true)), accuracy: await accuracy(jsRead, corpus), preparation: await preparation(corpus) };
await engine.stop();
if (await cliAvailable()) figures.tesseractCli = { ...(await timeReads(cliRead, corpus)), accuracy: await accuracy(cliRead, corpus) };
else figures.tesseractCli = 'not installed (apt-get install tesseract-ocr)';
if (withEmulator) {
  const rate = await guestRate();
  figures.guestLoopIterationsPerSecond = { ...rate, medianAlone: median(rate.alone), medianWithOcr: median(rate.withOcr), ratio: Number((median(rate.withOcr) / median(rate.alone)).toFixed(3)) };
}
figures.loadAfter = load();
console.log(JSON.stringify(figures, null, 2));
console.log(`figures written to ${writeFigures('ocr', figures)}`);
