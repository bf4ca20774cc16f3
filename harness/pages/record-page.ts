/**
 * The recorder page's script (harness/record/record-page-html.ts holds its HTML). What the person
 * does on the screen goes to the server as one action at a time; the server gives it to the
 * guest and answers with the steps it recorded. Every request carries the page address's token.
 * The screen is a PNG fetched again as soon as the last one is drawn (the server makes a few a
 * second); the rest of the page is the state polled twice a second.
 */
import { byId } from './shared/dom.js';
import { escapeHtml } from './shared/escape-html.js';
import { framePoint, placeOver, spanBox } from './shared/screen-box.js';
import { keyAction } from './key-chord.js';

interface RecordState {
  readonly file: string;
  readonly yaml: string;
  readonly steps: readonly string[];
  readonly serial: string;
  readonly text: readonly string[] | null;
  readonly pointer: { x: number; y: number } | null;
  readonly backend: string;
  readonly busy: boolean;
  readonly ended: string | null;
}

const token = new URLSearchParams(location.search).get('token') ?? '';
const at = (path: string) => `${path}?token=${encodeURIComponent(token)}`;
const screen = byId<HTMLCanvasElement>('screen');
const paint = screen.getContext('2d')!;
const wrap = byId('wrap');
const box = byId('box');
const message = byId('message');
/** A press needs this many pixels of travel to be a drag; less is a click. */
const DRAG_PX = 4;
/** A second click this soon after the first, near it, makes a double click. */
const DOUBLE_MS = 300;
const BUTTONS = ['left', 'middle', 'right'] as const;
let mode: 'act' | 'box' = 'act';
let ended = false;

function say(text: string, error = false): void {
  message.textContent = text;
  message.className = error ? 'error' : '';
}

async function act(request: Record<string, unknown>): Promise<void> {
  say(`${String(request.kind)}…`);
  try {
    const res = await fetch(at('/action'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    const answer = (await res.json()) as { message?: string; error?: string };
    if (answer.error) say(answer.error, true);
    else say(answer.message ?? '');
  } catch (e) {
    say(`the recorder did not answer: ${(e as Error).message}`, true);
  }
  void refresh();
}

// --- the screen ------------------------------------------------------------------------------
// Drawn on a canvas, which keeps its size between frames (an image being reloaded has none).
async function nextFrame(): Promise<void> {
  if (ended) return;
  try {
    const res = await fetch(at('/frame'));
    if (!res.ok) throw new Error(String(res.status));
    const bitmap = await createImageBitmap(await res.blob());
    if (screen.width !== bitmap.width || screen.height !== bitmap.height) [screen.width, screen.height] = [bitmap.width, bitmap.height];
    paint.drawImage(bitmap, 0, 0);
    screen.dataset.frame = res.headers.get('x-frame-seq') ?? '';
    bitmap.close();
    setTimeout(() => void nextFrame(), 100);
  } catch {
    setTimeout(() => void nextFrame(), 1000);
  }
}

let press: { x: number; y: number; button: number; shift: boolean } | undefined;
let pendingClick: { x: number; y: number; button: number; timer: number } | undefined;

wrap.addEventListener('contextmenu', (e) => e.preventDefault());
wrap.addEventListener('mousedown', (e) => {
  e.preventDefault();
  // Focusing scrolls a screen that is partly out of view, and the press would be read at the scrolled place.
  wrap.focus({ preventScroll: true });
  press = { ...framePoint(screen, e.clientX, e.clientY), button: e.button, shift: e.shiftKey };
});
wrap.addEventListener('mousemove', (e) => {
  const p = framePoint(screen, e.clientX, e.clientY);
  byId('coords').textContent = `pointer: ${p.x},${p.y} (screen pixels)`;
  if (press && (mode === 'box' || press.shift) && moved(press, p)) {
    box.style.display = 'block';
    placeOver(box, screen, spanBox(press, p));
  }
});
window.addEventListener('mouseup', (e) => {
  if (!press) return;
  const from = press;
  press = undefined;
  box.style.display = 'none';
  const to = framePoint(screen, e.clientX, e.clientY);
  const button = BUTTONS[from.button] ?? 'left';
  if (moved(from, to)) {
    if (mode === 'box' || from.shift) void act({ kind: 'box', ...spanBox(from, to) });
    else void act({ kind: 'drag', from: { x: from.x, y: from.y }, to, button });
    return;
  }
  if (pendingClick && pendingClick.button === from.button && !moved(pendingClick, from)) {
    clearTimeout(pendingClick.timer);
    pendingClick = undefined;
    void act({ kind: 'click', x: from.x, y: from.y, button, double: true, byText: byText() });
    return;
  }
  const timer = window.setTimeout(() => {
    pendingClick = undefined;
    void act({ kind: 'click', x: from.x, y: from.y, button, double: false, byText: byText() });
  }, DOUBLE_MS);
  pendingClick = { x: from.x, y: from.y, button: from.button, timer };
});

function moved(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return Math.abs(a.x - b.x) >= DRAG_PX || Math.abs(a.y - b.y) >= DRAG_PX;
}

// The wheel: notches gathered for a moment, so one flick is one step.
let wheel = { notches: 0, timer: 0, x: 0, y: 0 };
wrap.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const p = framePoint(screen, e.clientX, e.clientY);
    wheel.notches += Math.sign(e.deltaY);
    wheel.x = p.x;
    wheel.y = p.y;
    clearTimeout(wheel.timer);
    wheel.timer = window.setTimeout(() => {
      const { notches, x, y } = wheel;
      wheel = { notches: 0, timer: 0, x: 0, y: 0 };
      if (notches !== 0) void act({ kind: 'scroll', x, y, notches });
    }, 250);
  },
  { passive: false },
);

// Keys on the focused screen: typed text gathered for a moment into one request.
let typed = '';
let typeTimer = 0;
wrap.addEventListener('keydown', (e) => {
  const action = keyAction(e);
  if (!action) return;
  e.preventDefault();
  if ('type' in action) {
    typed += action.type;
    clearTimeout(typeTimer);
    typeTimer = window.setTimeout(flushTyped, 200);
  } else {
    flushTyped();
    void act({ kind: 'press', chords: [action.press] });
  }
});
function flushTyped(): void {
  clearTimeout(typeTimer);
  if (!typed) return;
  const text = typed;
  typed = '';
  void act({ kind: 'type', text });
}

// --- the controls ----------------------------------------------------------------------------
function setMode(next: 'act' | 'box'): void {
  mode = next;
  byId('mode-act').setAttribute('aria-pressed', String(next === 'act'));
  byId('mode-box').setAttribute('aria-pressed', String(next === 'box'));
}
const input = (id: string) => byId<HTMLInputElement>(id);
/** Whether a click is written by the words on the widget (the page's toggle). */
function byText(): boolean {
  return input('by-text').checked;
}
byId('mode-act').addEventListener('click', () => setMode('act'));
byId('mode-box').addEventListener('click', () => setMode('box'));
byId('send-text').addEventListener('click', () => {
  const text = input('text').value.replace(/\\n/g, '\n');
  if (text) void act({ kind: 'type', text });
  input('text').value = '';
});
byId('send-chord').addEventListener('click', () => {
  const chords = input('chord').value.trim().split(/\s+/).filter(Boolean);
  if (chords.length) void act({ kind: 'press', chords });
  input('chord').value = '';
});
byId('wait-text').addEventListener('click', () => void act({ kind: 'waitText', text: String(window.getSelection() ?? '') }));
byId('wait-serial').addEventListener('click', () => void act({ kind: 'waitSerial' }));
byId('wait-still').addEventListener('click', () => void act({ kind: 'waitStill' }));
byId('snapshot').addEventListener('click', () => void act({ kind: 'snapshot', name: input('snapshot-name').value.trim() }));
byId('phase').addEventListener('click', () => void act({ kind: 'phase', name: input('phase-name').value.trim(), budget: input('phase-budget').checked }));
byId('undo').addEventListener('click', () => void act({ kind: 'undo' }));
byId('save').addEventListener('click', () => void act({ kind: 'save' }));
byId('quit').addEventListener('click', () => void act({ kind: 'quit' }));

// --- the state -------------------------------------------------------------------------------
async function refresh(): Promise<void> {
  let state: RecordState;
  try {
    state = (await (await fetch(at('/state'))).json()) as RecordState;
  } catch {
    byId('status').textContent = 'the recorder is gone';
    ended = true;
    return;
  }
  byId('status').textContent = state.ended ?? `${state.backend}${state.busy ? ' · working…' : ''}${state.pointer ? ` · guest pointer at ${state.pointer.x},${state.pointer.y}` : ''}`;
  byId('file').textContent = state.file;
  byId('yaml').textContent = state.yaml;
  byId('steps').innerHTML = state.steps.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  const serial = byId('serial');
  serial.textContent = state.serial;
  serial.scrollTop = serial.scrollHeight;
  const text = byId('textscreen');
  text.hidden = !state.text;
  // A selection being made in it must not be redrawn away.
  const selecting = String(window.getSelection() ?? '') !== '' && text.contains(window.getSelection()!.anchorNode);
  if (state.text && !selecting) text.textContent = state.text.join('\n');
  if (state.ended) {
    ended = true;
    return;
  }
}

setInterval(() => void refresh(), 500);
void refresh();
void nextFrame();
