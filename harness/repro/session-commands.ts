/**
 * The commands of the prompt a repro session opens on the command key: where the pointer is,
 * moving and clicking it, and saving the screen as it is now as a region golden. Coordinates are
 * screen pixels, as in scenarios and on screen.png; a mistake is a message, never the end of the session.
 */
import { wholeNumber } from '../config/whole-number.js';
import { ConfigError } from '../errors.js';
import type { Machine } from '../machine/machine.js';
import { clickAt, type PointerButton } from '../machine/pointer.js';
import type { RegionArea } from '../screen/find-region.js';
import type { GoldenStore } from '../screen/golden-store.js';
import type { PointerTracker } from './pointer-tracker.js';
import { saveRegionGolden } from './save-region-golden.js';

export interface SessionCommandContext {
  /** The tracked machine (pointer-tracker.ts), so the session's own moves are seen too. */
  readonly machine: Machine;
  readonly pointer: PointerTracker;
  /** The scenario's goldens, with the update mode the session may write in. */
  readonly goldens: GoldenStore;
}

export const SESSION_HELP = [
  'pointer                                 where bootgate last put the pointer',
  'move X Y                                move the pointer to pixel X,Y',
  'click [X Y] [left|middle|right] [double]  click at X,Y (default: where the pointer is)',
  'region NAME X Y W H [click [CX CY]] [margin PX] [similarity S]',
  '    save the screen as region golden NAME: one area, W×H at X,Y, found within the margin',
  '    (default 50) at the similarity (default 0.96); a click goes to CX,CY (`click` alone:',
  '    where the pointer is; default: the centre). Needs --update-goldens.',
  'help                                    this list; an empty line or Ctrl-C goes back to the console',
].join('\n');

const BUTTONS: readonly PointerButton[] = ['left', 'middle', 'right'];

export function sessionCommands(ctx: SessionCommandContext): (line: string) => Promise<string> {
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
      case 'region':
        return region(ctx, args, here);
      case 'help':
      case '?':
        return SESSION_HELP;
      default:
        throw new ConfigError(`unknown command "${command}" (pointer, move, click, region, help)`, { field: 'command' });
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

async function region(ctx: SessionCommandContext, args: string[], here: (what: string) => { x: number; y: number }): Promise<string> {
  const usage = () => new ConfigError('usage: region NAME X Y W H [click [CX CY]] [margin PX] [similarity S]', { field: 'region' });
  const [name, ...rest] = args;
  if (!name || rest.length < 4) throw usage();
  const [x, y, width, height] = rest.slice(0, 4).map((v, i) => wholeNumber(v, ['X', 'Y', 'W', 'H'][i]!));
  let area: RegionArea = { x: x!, y: y!, width: width!, height: height! };
  let point: { x: number; y: number } | undefined;
  const options = rest.slice(4);
  while (options.length > 0) {
    const option = options.shift()!;
    if (option === 'click') {
      point = /^\d/.test(options[0] ?? '') ? { x: wholeNumber(options.shift()!, 'CX'), y: wholeNumber(options.shift() ?? '', 'CY') } : here('region');
    } else if (option === 'margin' && options.length > 0) {
      area = { ...area, margin: wholeNumber(options.shift()!, 'margin') };
    } else if (option === 'similarity' && options.length > 0) {
      area = { ...area, similarity: Number(options.shift()) };
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
  const saved = await saveRegionGolden(ctx.goldens, name, await ctx.machine.screenshot(), area);
  const click = point ? `, click at ${point.x},${point.y}` : '';
  return `golden ${name} ${saved.status}: ${saved.png}\n  areas in ${saved.sidecar}: ${area.width}×${area.height} at ${area.x},${area.y}${click}`;
}
