/**
 * How a bug of ours reaches the user: one line, with the harness/…ts line it happened at; the
 * whole stack, mapped to TypeScript, when BOOTGATE_DEBUG is set. Never the bundle's source.
 */
import { sourceStack } from '../util/source-stack.js';

export function internalErrorText(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = sourceStack(e.stack ?? `${e.name}: ${e.message}`);
  if (process.env.BOOTGATE_DEBUG) return `bootgate: internal error: ${stack}\n`;
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  const ours = frames.map((l) => /(\/harness\/\S+?\.ts:\d+:\d+)/.exec(l)?.[1]).find(Boolean);
  return `bootgate: internal error: ${e.name}: ${e.message.split('\n')[0]}${ours ? ` (at ${ours.slice(1)})` : ''}; BOOTGATE_DEBUG=1 shows the stack\n`;
}
