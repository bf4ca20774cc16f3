/**
 * The commands of the prompt a repro session opens on the command key, or reads from a file
 * (`--commands`): where the pointer is, moving, clicking and scrolling it, typing and pressing
 * keys, waiting, and saving the screen as it is now as a region golden. Coordinates are screen
 * pixels, as in scenarios and on screen.png; a mistake is a message, never the end of the session.
 * Before a golden is saved with the pointer over one of its areas, the pointer is parked in a
 * corner clear of them and the screen given a moment to redraw: a golden never holds the cursor
 * (nor a hover highlight) unless asked with `keep-pointer`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { parseDuration } from '../config/duration.js';
import { wholeNumber } from '../config/whole-number.js';
import { ConfigError } from '../errors.js';
import { chordsForText } from '../machine/keys.js';
import type { Machine } from '../machine/machine.js';
import { clickAt, type PointerButton } from '../machine/pointer.js';
import type { RawImage } from '../machine/raw-image.js';
import { rectsOverlap, sameFrame, type Rect } from '../machine/same-frame.js';
import type { RegionArea } from '../screen/find-region.js';
import type { GoldenStore } from '../screen/golden-store.js';
import { pointerBox } from '../screen/pointer-box.js';
import { snapBox } from '../screen/snap-box.js';
import { pressChords } from '../steps/press-keys.js';
import type { PointerTracker } from './pointer-tracker.js';
import { saveRegionGolden } from './save-region-golden.js';

export interface SessionCommandContext {
  /** The tracked machine (pointer-tracker.ts), so the session's own moves are seen too. */
  readonly machine: Machine;
  readonly pointer: PointerTracker;
  /** The scenario's goldens, with the update mode the session may write in. */
  readonly goldens: GoldenStore;
}

const AREA_OPTIONS = '[click [CX CY]] [margin PX] [similarity S] [keep-pointer]';

export const SESSION_HELP = [
  'pointer                                 where bootgate last put the pointer',
  'move X Y                                move the pointer to pixel X,Y',
  'click [X Y] [left|middle|right] [double]  click at X,Y (default: where the pointer is)',
  'scroll N                                turn the wheel N notches (negative: up), where the pointer is',
  'type TEXT                               type TEXT on the keyboard (the rest of the line, as it is)',
  'press CHORD...                          press key chords one after another (enter, ctrl+alt+del, down)',
  'wait DURATION                           wait (500ms, 2s) before the next command',
  `region NAME X Y W H ${AREA_OPTIONS}`,
  '    save the screen as region golden NAME: one area, W×H at X,Y, found within the margin',
  '    (default 50) at the similarity (default 0.96); a click goes to CX,CY (`click` alone:',
  '    where the pointer is; default: the centre). Needs --update-goldens.',
  `region NAME at X Y ${AREA_OPTIONS}`,
  '    the same, with the area snapped to the widget around X,Y (its edges), else 120×40 there;',
  '    `click` alone goes to X,Y',
  `region NAME add X Y W H ${AREA_OPTIONS}   (or: region NAME add at X Y ...)`,
  '    one more area on region golden NAME, its pixels from the screen now. Needs changed or all,',
  '    or only missing for a golden this session created.',
  'help                                    this list; an empty line or Ctrl-C goes back to the console',
].join('\n');

const COMMANDS = 'pointer, move, click, scroll, type, press, wait, region, help';
const BUTTONS: readonly PointerButton[] = ['left', 'middle', 'right'];
const MS_PER_CHAR = 25;
/** After parking the pointer: the screen must stay the same this long (a hover highlight fading), at most PARK_WAIT_MS. */
const PARK_STILL_MS = 300;
const PARK_WAIT_MS = 3000;

export function sessionCommands(ctx: SessionCommandContext): (line: string) => Promise<string> {
  /** Goldens this session created: adding areas to one needs no more than the mode that created it. */
  const created = new Set<string>();
  const here = (what: string) => {
    if (!ctx.pointer.position) throw new ConfigError('bootgate has not moved the pointer yet: give X Y', { field: what });
    return ctx.pointer.position;
  };
  return async (line) => {
    const [command = '', ...args] = line.trim().split(/\s+/);
    switch (command) {
      case 'pointer':
        return ctx.pointer.describe() ?? 'pointer: not moved by bootgate yet';
      case 'move': {
        if (args.length !== 2) throw new ConfigError('usage: move X Y', { field: 'move' });
        await ctx.machine.pointerMove(wholeNumber(args[0]!, 'X'), wholeNumber(args[1]!, 'Y'));
        return ctx.pointer.describe()!;
      }
      case 'click':
        return click(ctx, args, here);
      case 'scroll': {
        if (args.length !== 1 || !/^-?\d+$/.test(args[0]!) || Number(args[0]) === 0) throw new ConfigError('usage: scroll N (notches other than 0; negative scrolls up)', { field: 'scroll' });
        await ctx.machine.pointerScroll(Number(args[0]));
        return `scrolled ${Number(args[0]) > 0 ? 'down' : 'up'} ${Math.abs(Number(args[0]))}`;
      }
      case 'type': {
        const text = line.trim().slice('type'.length + 1);
        if (!text) throw new ConfigError('usage: type TEXT', { field: 'type' });
        chordsForText(text); // refuse untypeable text before sending half of it
        await ctx.machine.typeText(text, MS_PER_CHAR);
        return `typed ${JSON.stringify(text)}`;
      }
      case 'press': {
        if (args.length === 0) throw new ConfigError('usage: press CHORD...', { field: 'press' });
        await pressChords(ctx.machine, args);
        return `pressed ${args.join(' ')}`;
      }
      case 'wait': {
        let ms: number;
        try {
          ms = parseDuration(args.join(' '));
        } catch (e) {
          throw new ConfigError(`usage: wait DURATION (${(e as Error).message})`, { field: 'wait' });
        }
        await delay(ms);
        return `waited ${ms} ms`;
      }
      case 'region':
        return region(ctx, args, here, created);
      case 'help':
      case '?':
        return SESSION_HELP;
      default:
        throw new ConfigError(`unknown command "${command}" (${COMMANDS})`, { field: 'command' });
    }
  };
}

async function click(ctx: SessionCommandContext, args: string[], here: (what: string) => { x: number; y: number }): Promise<string> {
  const numbers = args.filter((a) => /^\d/.test(a));
  const words = args.filter((a) => !/^\d/.test(a));
  const button = (words.find((w) => BUTTONS.includes(w as PointerButton)) ?? 'left') as PointerButton;
  const double = words.includes('double');
  const unknown = words.filter((w) => w !== button && w !== 'double');
  if ((numbers.length !== 0 && numbers.length !== 2) || unknown.length > 0) throw new ConfigError('usage: click [X Y] [left|middle|right] [double]', { field: 'click' });
  const at = numbers.length === 2 ? { x: wholeNumber(numbers[0]!, 'X'), y: wholeNumber(numbers[1]!, 'Y') } : here('click');
  await clickAt(ctx.machine, at.x, at.y, button, { double });
  return `${double ? 'double-clicked' : 'clicked'} ${button} at ${at.x},${at.y}`;
}

async function region(ctx: SessionCommandContext, args: string[], here: (what: string) => { x: number; y: number }, created: Set<string>): Promise<string> {
  const usage = () => new ConfigError(`usage: region NAME [add] X Y W H ${AREA_OPTIONS}, or region NAME [add] at X Y ...`, { field: 'region' });
  const [name, ...rest] = args;
  const add = rest[0] === 'add';
  if (add) rest.shift();
  if (!name) throw usage();
  let area: RegionArea;
  let options: string[];
  let snapped = '';
  // `at X Y`'s point is where `click` alone goes: the pointer may never have been moved.
  let at: { x: number; y: number } | undefined;
  let frame = await ctx.machine.screenshot();
  if (rest[0] === 'at') {
    if (rest.length < 3) throw usage();
    const [x, y] = [wholeNumber(rest[1]!, 'X'), wholeNumber(rest[2]!, 'Y')];
    if (x >= frame.width || y >= frame.height) throw new ConfigError(`${x},${y} is not a pixel of the ${frame.width}×${frame.height} screen`, { field: 'region' });
    at = { x, y };
    const snap = snapBox(frame, x, y);
    area = snap.box;
    snapped = snap.snapped ? ' (snapped to the edges around the point)' : ' (no edges around the point: a box of the default size)';
    options = rest.slice(3);
  } else {
    if (rest.length < 4) throw usage();
    const [x, y, width, height] = rest.slice(0, 4).map((v, i) => wholeNumber(v, ['X', 'Y', 'W', 'H'][i]!));
    area = { x: x!, y: y!, width: width!, height: height! };
    options = rest.slice(4);
  }
  let point: { x: number; y: number } | undefined;
  let keepPointer = false;
  while (options.length > 0) {
    const option = options.shift()!;
    if (option === 'click') {
      point = /^\d/.test(options[0] ?? '') ? { x: wholeNumber(options.shift()!, 'CX'), y: wholeNumber(options.shift() ?? '', 'CY') } : (at ?? here('region'));
    } else if (option === 'margin' && options.length > 0) {
      area = { ...area, margin: wholeNumber(options.shift()!, 'margin') };
    } else if (option === 'similarity' && options.length > 0) {
      area = { ...area, similarity: Number(options.shift()) };
    } else if (option === 'keep-pointer') {
      keepPointer = true;
    } else {
      throw usage();
    }
  }
  if (point) {
    if (point.x < area.x || point.y < area.y || point.x >= area.x + area.width || point.y >= area.y + area.height) {
      throw new ConfigError(`click point ${point.x},${point.y} is outside the area ${area.width}×${area.height} at ${area.x},${area.y}`, { field: 'region' });
    }
    area = { ...area, clickPoint: { x: point.x - area.x, y: point.y - area.y } };
  }
  const parked = keepPointer ? undefined : await parkPointer(ctx, area, frame);
  if (parked) frame = parked.frame;
  const saved = await saveRegionGolden(ctx.goldens, name, frame, area, { add, own: created.has(name) });
  if (saved.status === 'created') created.add(name);
  const click = point ? `, click at ${point.x},${point.y}` : '';
  const park = parked ? `\n  the pointer was over the area: parked at ${parked.at.x},${parked.at.y} before the screen was taken` : '';
  return `golden ${name} ${saved.status}: ${saved.png}\n  ${add ? 'area added' : 'areas'} in ${saved.sidecar}: ${area.width}×${area.height} at ${area.x},${area.y}${snapped}${click}${park}`;
}

/**
 * When the pointer's box overlaps the area, moves the pointer to the first corner whose box is
 * clear of it and takes the screen once it has stayed the same for a moment; undefined when the
 * pointer was not over the area (or bootgate never moved it: the guest's own cursor is its business).
 */
async function parkPointer(ctx: SessionCommandContext, area: Rect, frame: RawImage): Promise<{ at: { x: number; y: number }; frame: RawImage } | undefined> {
  const at = ctx.pointer.position;
  if (!at || !rectsOverlap(pointerBox(at), area)) return undefined;
  const corners = [
    { x: frame.width - 1, y: 0 },
    { x: 0, y: 0 },
    { x: 0, y: frame.height - 1 },
    { x: frame.width - 1, y: frame.height - 1 },
  ];
  const corner = corners.find((c) => !rectsOverlap(pointerBox(c), area));
  if (!corner) throw new ConfigError('the area covers the whole screen: there is nowhere to park the pointer (give keep-pointer to keep it)', { field: 'region' });
  await ctx.machine.pointerMove(corner.x, corner.y);
  const started = performance.now();
  let last = await ctx.machine.screenshot();
  let since = performance.now();
  while (performance.now() - since < PARK_STILL_MS && performance.now() - started < PARK_WAIT_MS) {
    await delay(50);
    const next = await ctx.machine.screenshot();
    if (!sameFrame(last, next)) [last, since] = [next, performance.now()];
  }
  return { at: corner, frame: last };
}
