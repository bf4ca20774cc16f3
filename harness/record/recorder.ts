/**
 * A recording: the person's actions go to the machine and become steps, with the waits a replay
 * needs put in front of them (step-suggestion.ts), and their assertions become waits of their
 * own. Entries are what one page request added (an action with the wait before it, an assertion,
 * a phase), so undo takes back one request; it cannot take back what the guest did. Goldens
 * stay in memory (the frame and its area) until the recording is saved (recorded-scenario.ts).
 * One request at a time: the server queues them (run()).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import { chordsForText, parseChord } from '../machine/keys.js';
import type { Machine } from '../machine/machine.js';
import { CLICK_HOLD_MS, clickAt, type PointerButton } from '../machine/pointer.js';
import type { RawImage } from '../machine/raw-image.js';
import { intersection, sameFrame, type Rect } from '../machine/same-frame.js';
import type { RegionArea } from '../screen/find-region.js';
import { pointerBox } from '../screen/pointer-box.js';
import { pressChords } from '../steps/press-keys.js';
import type { PointerTracker } from '../repro/pointer-tracker.js';
import { FrameReader } from '../text/frame-reader.js';
import { clickTarget, labelAt, screenWait, type ScreenLook, type ScreenWait } from './step-suggestion.js';

/** A step as it is written in the scenario: `{press: c}`, `{click: click-1}`. */
export type StepDoc = Record<string, unknown>;

export interface PendingGolden {
  readonly name: string;
  readonly frame: RawImage;
  readonly area: RegionArea;
  /** The pointer's cursor, where it lies in the area. */
  readonly excludes: readonly Rect[];
}

export interface Entry {
  /** What the page shows for it: `click click-3`, `waitText "grub>"`. */
  readonly label: string;
  readonly steps: StepDoc[];
  readonly goldens: PendingGolden[];
  /** An assertion (or an inserted wait) ends with a wait: the next action needs none of its own. */
  readonly waits: boolean;
  /** Typed text, still growing while the person types. */
  typed?: string;
}

export interface RecordedPhase {
  readonly name: string;
  /** Give the phase a wall budget from how long the machine took in it (not the person). */
  readonly budget: boolean;
  readonly entries: Entry[];
  /** Time the machine took to settle after the phase's actions. */
  busyMs: number;
}

/** The screen has settled when it stays the same this long (a text screen: longer, for a countdown line to show itself). */
const SETTLE_MS = 500;
const TEXT_SETTLE_MS = 1000;
/** A screen that keeps changing (a clock, a progress bar) is taken as it is after this. */
const SETTLE_MAX_MS = 3000;
const POLL_MS = 100;
const MS_PER_CHAR = 25;
/** Keys this far apart are two runs of typing, with a wait between. */
const TYPE_GAP_MS = 1000;
const BUTTONS: readonly PointerButton[] = ['left', 'middle', 'right'];
/** A phase's wall budget: the machine's own time in it, times this, rounded up to BUDGET_STEP_S. */
const BUDGET_HEADROOM = 3;
const BUDGET_STEP_S = 5;

export class Recorder {
  readonly phases: RecordedPhase[];
  /** The screen the last action was given on: what its answer is told apart from. */
  private before: ScreenLook | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private goldenCount = 0;
  /** When the last typed text reached the guest. */
  private typedAt = -Infinity;
  /** OCR for clicks by their label; its engine starts on the first such click and ends with stop(). */
  private readonly reader = new FrameReader();

  constructor(
    private readonly machine: Machine,
    private readonly pointer: PointerTracker,
    firstPhase: string,
    /** Whether a golden name is taken already (a file of the scenario's, or one this recording kept). */
    private readonly goldenTaken: (name: string) => boolean,
  ) {
    this.phases = [{ name: firstPhase, budget: false, entries: [], busyMs: 0 }];
  }

  /** Lets go of what the recording holds beside the machine (the OCR engine). */
  async stop(): Promise<void> {
    await this.reader.stop();
  }

  /** Runs one request after the ones before it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  get entries(): Entry[] {
    return this.phases.flatMap((p) => p.entries);
  }

  /** `byText`: on a graphical screen, click the widget by the words read on it, where OCR reads some, instead of by a golden. */
  async click(x: number, y: number, button: PointerButton, double: boolean, byText = false): Promise<string> {
    if (!BUTTONS.includes(button)) throw new ConfigError(`button "${button}": left, middle or right`, { field: 'click' });
    const look = await this.settled();
    this.checkPoint(look.frame, x, y);
    const target = clickTarget(look, x, y);
    const how = button === 'left' && !double ? {} : { button, double };
    const label = byText && target.kind === 'region' ? labelAt(await this.reader.read(look.frame, undefined, this.pointer.position), target.area, x, y) : undefined;
    let entry: Entry;
    if (label) {
      const spec = { text: label.text, ...(label.nth > 1 ? { nth: label.nth } : {}), ...how };
      entry = { label: `click "${label.text}"${label.nth > 1 ? ` (${label.nth})` : ''}`, steps: [{ click: spec }], goldens: [], waits: false };
    } else if (target.kind === 'region') {
      const golden = this.golden('click', look.frame, target.area);
      const why = byText ? ' (no label read there: a golden)' : target.snapped ? '' : ' (no edges: a box of the default size)';
      entry = { label: `click ${golden.name}${why}`, steps: [Object.keys(how).length ? { click: { golden: golden.name, ...how } } : { click: golden.name }], goldens: [golden], waits: false };
    } else {
      const wait = this.waitEntry(look);
      entry = { label: `click at ${x},${y}`, steps: [...(wait?.steps ?? []), { click: { x, y, ...how } }], goldens: wait?.goldens ?? [], waits: false };
    }
    await clickAt(this.machine, x, y, button, { double });
    return this.acted(look, entry);
  }

  async drag(from: { x: number; y: number }, to: { x: number; y: number }, button: PointerButton): Promise<string> {
    const look = await this.settled();
    this.checkPoint(look.frame, from.x, from.y);
    this.checkPoint(look.frame, to.x, to.y);
    const wait = this.waitEntry(look);
    await this.machine.pointerMove(from.x, from.y);
    await this.machine.pointerButton(button, true);
    await delay(CLICK_HOLD_MS); // as the drag step holds it: a toolkit starts a drag on motion after the press
    await this.machine.pointerMove(to.x, to.y);
    await delay(CLICK_HOLD_MS);
    await this.machine.pointerButton(button, false);
    const step = { drag: { from, to, ...(button === 'left' ? {} : { button }) } };
    return this.acted(look, { label: `drag ${from.x},${from.y} to ${to.x},${to.y}`, steps: [...(wait?.steps ?? []), step], goldens: wait?.goldens ?? [], waits: false });
  }

  async scroll(x: number, y: number, notches: number): Promise<string> {
    if (!Number.isInteger(notches) || notches === 0) throw new ConfigError('scroll: a whole number of notches other than 0', { field: 'scroll' });
    const look = await this.settled();
    this.checkPoint(look.frame, x, y);
    const wait = this.waitEntry(look);
    const move = this.pointer.position?.x === x && this.pointer.position.y === y ? [] : [{ move: { x, y } }];
    await this.machine.pointerMove(x, y);
    await this.machine.pointerScroll(notches);
    return this.acted(look, { label: `scroll ${notches} at ${x},${y}`, steps: [...(wait?.steps ?? []), ...move, { scroll: notches }], goldens: wait?.goldens ?? [], waits: false });
  }

  async press(chords: readonly string[]): Promise<string> {
    if (chords.length === 0) throw new ConfigError('press: at least one chord', { field: 'press' });
    chords.forEach((c) => parseChord(c));
    const look = await this.settled();
    const wait = this.waitEntry(look);
    await pressChords(this.machine, chords);
    const step = { press: chords.length === 1 ? chords[0] : [...chords] };
    return this.acted(look, { label: `press ${chords.join(' ')}`, steps: [...(wait?.steps ?? []), step], goldens: wait?.goldens ?? [], waits: false });
  }

  /**
   * Typed text: one `type` step for a run of typing, however many requests it came in, until the
   * keys pause for TYPE_GAP_MS (a person looking at what the keys did: the next keys need a wait).
   * A run of one key is written as the key pressed.
   */
  async type(text: string): Promise<string> {
    if (!text) throw new ConfigError('type: some text', { field: 'type' });
    chordsForText(text); // refuse untypeable text before sending half of it
    const last = this.lastEntry();
    if (last?.typed !== undefined && performance.now() - this.typedAt < TYPE_GAP_MS) {
      await this.machine.typeText(text, MS_PER_CHAR);
      this.typedAt = performance.now();
      last.typed += text;
      last.steps[last.steps.length - 1] = typeStep(last.typed);
      (last as { label: string }).label = `type ${JSON.stringify(last.typed)}`;
      return `typed ${JSON.stringify(text)}`;
    }
    const look = await this.settled();
    const wait = this.waitEntry(look);
    await this.machine.typeText(text, MS_PER_CHAR);
    this.typedAt = performance.now();
    return this.acted(look, { label: `type ${JSON.stringify(text)}`, steps: [...(wait?.steps ?? []), typeStep(text)], goldens: wait?.goldens ?? [], waits: false, typed: text });
  }

  /** A box the person drew: a region golden of the screen there, waited for. */
  async assertBox(box: Rect): Promise<string> {
    const look = await this.settled();
    const { x, y, width, height } = box;
    if (![x, y, width, height].every(Number.isInteger) || width < 4 || height < 4 || x < 0 || y < 0 || x + width > look.frame.width || y + height > look.frame.height) {
      throw new ConfigError(`box ${width}×${height} at ${x},${y} is not inside the ${look.frame.width}×${look.frame.height} screen (4 px a side at least)`, { field: 'box' });
    }
    const golden = this.golden('screen', look.frame, { x, y, width, height });
    return this.asserted({ label: `waitScreen ${golden.name} (${width}×${height} at ${x},${y})`, steps: [{ waitScreen: golden.name }], goldens: [golden], waits: true });
  }

  async assertText(text: string): Promise<string> {
    const wanted = text.trim();
    if (!wanted) throw new ConfigError('waitText: select some text on the text screen first', { field: 'waitText' });
    const look = await this.settled();
    if (!look.text || !look.text.join('\n').includes(wanted)) throw new ConfigError(`the text screen does not show ${JSON.stringify(wanted)} now`, { field: 'waitText' });
    return this.asserted({ label: `waitText ${JSON.stringify(wanted)}`, steps: [{ waitText: wanted }], goldens: [], waits: true });
  }

  /** The serial port's last line with text in it. */
  async assertSerial(): Promise<string> {
    const lines = this.machine.serial.text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const line = lines[lines.length - 1];
    if (!line) throw new ConfigError('the guest has written nothing to its serial port yet', { field: 'waitSerial' });
    return this.asserted({ label: `waitSerial ${JSON.stringify(line)}`, steps: [{ waitSerial: line }], goldens: [], waits: true });
  }

  async assertStill(): Promise<string> {
    await this.settled();
    return this.asserted({ label: 'waitStill 1s', steps: [{ waitStill: '1s' }], goldens: [], waits: true });
  }

  /** A snapshot point on the wait for the screen now (or on the last step, when nothing new shows). */
  async snapshot(name: string): Promise<string> {
    const look = await this.settled();
    const wait = this.waitEntry(look);
    if (wait) {
      wait.steps[wait.steps.length - 1]!.snapshot = name;
      this.phases[this.phases.length - 1]!.entries.push({ ...wait, label: `${wait.label}, snapshot ${name}` });
      return `${wait.label}, snapshot ${name}`;
    }
    const last = this.lastEntry();
    const step = last?.steps[last.steps.length - 1];
    if (!last || !step) throw new ConfigError('snapshot: record a step first', { field: 'snapshot' });
    step.snapshot = name;
    (last as { label: string }).label += `, snapshot ${name}`;
    last.typed = undefined;
    return `snapshot ${name} on ${last.label}`;
  }

  phase(name: string, budget: boolean): Promise<string> | string {
    if (this.phases.some((p) => p.name === name)) throw new ConfigError(`phase ${name} exists already`, { field: 'phase' });
    const current = this.phases[this.phases.length - 1]!;
    if (current.entries.length === 0) this.phases.pop();
    this.phases.push({ name, budget, entries: [], busyMs: 0 });
    return `phase ${name}${budget ? ' (with a budget from the machine’s time in it)' : ''}`;
  }

  /** Takes back the last request's steps (and goldens); the guest stays where it is. */
  undo(): string {
    const phase = this.phases[this.phases.length - 1]!;
    const entry = phase.entries.pop();
    if (!entry) {
      if (this.phases.length === 1) throw new ConfigError('nothing to undo', { field: 'undo' });
      this.phases.pop();
      return `removed phase ${phase.name}`;
    }
    if (!entry.waits) this.before = undefined; // the next wait cannot know what that action changed
    return `removed ${entry.label}${entry.goldens.length ? ` and golden ${entry.goldens.map((g) => g.name).join(', ')}` : ''} (the guest stays where it is)`;
  }

  /** Before saving: the wait for the screen the last action left, unless an assertion already ends the recording. */
  async closeLastWait(): Promise<void> {
    const last = this.lastEntry();
    if (!last || last.waits) return;
    const wait = this.waitEntry(await this.settled());
    if (wait) this.phases[this.phases.length - 1]!.entries.push(wait);
  }

  /** A phase's wall budget from the machine's own time in it, with headroom; undefined without one. */
  budgetSeconds(phase: RecordedPhase): number | undefined {
    if (!phase.budget) return undefined;
    return Math.max(BUDGET_STEP_S, Math.ceil((phase.busyMs * BUDGET_HEADROOM) / 1000 / BUDGET_STEP_S) * BUDGET_STEP_S);
  }

  /** What the page shows of the machine now: its text screen, if it has one. */
  textRows(): Promise<string[] | undefined> {
    return this.machine.textScreen();
  }

  private lastEntry(): Entry | undefined {
    return this.phases[this.phases.length - 1]!.entries.at(-1);
  }

  /** The wait for the screen an action is about to be given on, unless the last entry waited already. */
  private waitEntry(look: ScreenLook): Entry | undefined {
    const last = this.lastEntry();
    if (last?.waits) return undefined;
    const wait: ScreenWait | undefined = screenWait(this.before, look);
    if (!wait) return undefined;
    if (wait.kind === 'text') return { label: `waitText ${JSON.stringify(wait.text)}`, steps: [{ waitText: wait.text }], goldens: [], waits: true };
    const golden = this.golden('screen', look.frame, wait.area);
    return { label: `waitScreen ${golden.name}`, steps: [{ waitScreen: golden.name }], goldens: [golden], waits: true };
  }

  private acted(look: ScreenLook, entry: Entry): string {
    this.before = look;
    this.phases[this.phases.length - 1]!.entries.push(entry);
    this.busySince = performance.now();
    return entry.label;
  }

  /** An assertion: after an action, the wait for the screen it left comes first, so the assertion is checked on the action's answer. */
  private async asserted(entry: Entry): Promise<string> {
    await this.closeLastWait();
    this.phases[this.phases.length - 1]!.entries.push(entry);
    return entry.label;
  }

  /** When the last action was given: the settle after it is the machine's time, the rest the person's. */
  private busySince: number | undefined;

  /**
   * The screen once it has held still (SETTLE_MS; a text screen TEXT_SETTLE_MS), at most
   * SETTLE_MAX_MS; a text screen's rows that changed meanwhile (a countdown) are left out.
   */
  private async settled(): Promise<ScreenLook> {
    const started = performance.now();
    const masks = this.pointer.position ? [pointerBox(this.pointer.position)] : [];
    let frame = await this.machine.screenshot();
    let rows = await this.machine.textScreen();
    const stable = rows ? rows.map(() => true) : undefined;
    let since = performance.now();
    const settleMs = rows ? TEXT_SETTLE_MS : SETTLE_MS;
    while (performance.now() - since < settleMs && performance.now() - started < SETTLE_MAX_MS) {
      await delay(POLL_MS);
      const next = await this.machine.screenshot();
      const nextRows = rows ? await this.machine.textScreen() : undefined;
      const same = rows && nextRows ? nextRows.length === rows.length && nextRows.every((r, i) => r === rows![i]) : sameFrame(frame, next, masks);
      if (rows && nextRows && nextRows.length === rows.length) nextRows.forEach((r, i) => (stable![i] = stable![i]! && r === rows![i]));
      if (!same) since = performance.now();
      frame = next;
      if (!!nextRows !== !!rows) break; // the mode changed: take it as it is
      rows = nextRows;
    }
    if (this.busySince !== undefined) {
      this.phases[this.phases.length - 1]!.busyMs += since - this.busySince;
      this.busySince = undefined;
    }
    const pointer = this.pointer.position ? { pointer: this.pointer.position } : {};
    return rows && stable ? { frame, text: rows.filter((_, i) => stable[i]), ...pointer } : { frame, ...pointer };
  }

  private checkPoint(frame: RawImage, x: number, y: number): void {
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= frame.width || y >= frame.height) {
      throw new ConfigError(`${x},${y} is not a pixel of the ${frame.width}×${frame.height} screen`, { field: 'point' });
    }
  }

  /**
   * A golden of the screen as it is: the pointer where the recording left it is where the replay
   * leaves it too, with the same hover highlights (parking it would cut a golden the replay never
   * sees), and its cursor is left out of the area: the pointer box every comparison leaves out.
   */
  private golden(kind: 'click' | 'screen', frame: RawImage, area: RegionArea): PendingGolden {
    const cursor = this.pointer.position ? intersection(pointerBox(this.pointer.position), area) : undefined;
    return { name: this.goldenName(kind), frame, area, excludes: cursor ? [cursor] : [] };
  }

  private goldenName(kind: 'click' | 'screen'): string {
    const pending = new Set(this.entries.flatMap((e) => e.goldens.map((g) => g.name)));
    let name: string;
    do name = `${kind}-${++this.goldenCount}`;
    while (pending.has(name) || this.goldenTaken(name));
    return name;
  }
}

/** `type: ls\n`, or for one key a press of it (`press: c`, `press: ret`). */
function typeStep(text: string): StepDoc {
  if (/^[a-z0-9]$/.test(text)) return { press: text };
  if (text === '\n') return { press: 'ret' };
  return { type: text };
}
