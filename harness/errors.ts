/**
 * The error taxonomy. Every error bootgate raises on purpose is one of these, and each one
 * knows which outcome class it stands for, so the runner never has to guess whether the image
 * misbehaved (failed), the host or emulator broke (infra), or the input was wrong (config).
 */
import { groupDigits } from './util/group-digits.js';

export type ErrorClass = 'failed' | 'infra' | 'config' | 'unsupported' | 'interrupted';

export abstract class BootgateError extends Error {
  abstract readonly errorClass: ErrorClass;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: a scenario, profile, image or flag that cannot be used as given. Exit code 2. */
export class ConfigError extends BootgateError {
  readonly errorClass = 'config' as const;
  constructor(
    message: string,
    readonly where: { file?: string; line?: number; column?: number; field?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(formatWhere(where, message) + message, options);
  }
}

/**
 * An image that would open something it was not given: a qcow2 naming a backing or data file, or
 * one that is not what the scenario declares. `reason` names the reference.
 */
export class UnsafeImageError extends ConfigError {
  constructor(
    readonly image: string,
    readonly reason: string,
    where: ConfigError['where'] = { field: 'disk' },
  ) {
    super(`disk image ${image} ${reason}`, where);
  }
}

/** A scenario file that does not parse or does not fit the schema. */
export class ScenarioError extends ConfigError {}

/** `file:line:col: field: `, leaving out a flag the message already starts with (`--jobs must be ...`). */
function formatWhere(w: ConfigError['where'], message: string): string {
  if (!w.file) return w.field && !message.startsWith(w.field) ? `${w.field}: ` : '';
  const pos = w.line ? `:${w.line}${w.column ? `:${w.column}` : ''}` : '';
  return `${w.file}${pos}: ${w.field ? `${w.field}: ` : ''}`;
}

/** A wait ran out of time. `lastSeen` is what the machine showed last, for the person reading the report. */
export class WaitTimeoutError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastSeen: string,
  ) {
    super(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}${lastSeen ? `; last seen: ${oneLine(lastSeen)}` : ''}`);
  }
}

/**
 * Text never showed on a graphical screen. The message lists what OCR read on the last frame it
 * read, line by line with boxes; `artifacts.actual` is that frame with those boxes drawn.
 */
export class TextNotFoundError extends WaitTimeoutError {
  constructor(
    what: string,
    timeoutMs: number,
    /** What was read, one line of text per line, as text/text-read.ts describes it; undefined when no frame held still long enough to be read. */
    readonly read: string | undefined,
    readonly artifacts: { actual?: string } = {},
  ) {
    super(what, timeoutMs, '');
    // Line by line, not flattened: a person compares the lines and boxes with the frame.
    const lines = read?.split('\n').length ?? 0;
    this.message = `${this.message}; ${read === undefined ? 'no frame held still long enough to be read' : `the last frame read said (${lines} line${lines === 1 ? '' : 's'}, with boxes):\n${read}`}`;
  }
}

/** A failure pattern (e.g. "Kernel panic") showed up while waiting: fail at once instead of timing out. */
export class FailurePatternError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly pattern: string,
    readonly source: 'serial' | 'screen',
    readonly excerpt: string,
  ) {
    super(`failure pattern ${pattern} matched on the ${source}: ${oneLine(excerpt)}`);
  }
}

/**
 * A wait ended early because the guest stopped: no serial output, no screen change and (where the
 * emulator can tell) no work by the CPU for `stallMs`. `cpu` says what the CPU was seen doing.
 */
export class StalledError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly stallMs: number,
    readonly cpu: string,
    readonly serialTail: string,
  ) {
    super(`stalled: no serial output and no screen change for ${(stallMs / 1000).toFixed(1)} s; ${cpu}${serialTail ? `; serial ends: ${oneLine(serialTail)}` : ''}`);
  }
}

/** The guest reset the machine more often than the scenario's `maxResets`: a reset loop, not a slow boot. */
export class ResetLoopError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly maxResets: number,
    /** Seconds after the machine started, one per reset. */
    readonly atSeconds: readonly number[],
    /** The frames seen last before each reset, saved into the report (paths), where there was one. */
    readonly artifacts: Readonly<Record<string, string>> = {},
  ) {
    super(`the guest reset the machine ${atSeconds.length} times (maxResets: ${maxResets}), at ${atSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')}`);
  }
}

/** A failure screen (`failOnScreen`) showed up while waiting: the guest drew its own verdict. */
export class FailureScreenError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly screen: string,
    readonly detail: string,
    readonly artifacts: { actual?: string } = {},
  ) {
    super(`failure screen ${screen} showed up: ${oneLine(detail)}`);
  }
}

/** The screen never matched the golden(s). Carries the best candidate so a person can look at the diff. */
export class ScreenMismatchError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly golden: string,
    readonly detail: string,
    /** `last`: the frame at the timeout, when the screen moved on after the closest one (`actual`). */
    readonly artifacts: { actual?: string; diff?: string; expected?: string; last?: string } = {},
    /** What `bootgate accept` would do with the actual frame: the golden's name, the file, and why. */
    readonly review?: { readonly name: string; readonly file: string; readonly status: 'mismatch' | 'missing'; readonly areas?: string; readonly last?: string },
  ) {
    super(`screen did not match golden ${golden}: ${detail}`);
  }
}

/**
 * The screen never held still long enough to be recorded. `box` bounds the pixels that kept
 * changing (a clock, a spinner, a blinking character), and `artifacts.moving` shows it drawn.
 */
export class ScreenUnstableError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    timeoutMessage: string,
    readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number },
    readonly artifacts: { actual?: string; moving?: string } = {},
  ) {
    super(`${timeoutMessage}; the pixels that kept changing lie in ${box.width}×${box.height} at x=${box.x}, y=${box.y} (mask them or raise the step's timeout)`);
  }
}

/** The emulator process or worker died, or could not be started. */
export class MachineCrashedError extends BootgateError {
  readonly errorClass = 'infra' as const;
  constructor(
    readonly backend: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${backend} crashed: ${detail}`, options);
  }
}

/** The host is missing something or misbehaved (no emulator binary, no BIOS file, a QMP error). */
export class InfraError extends BootgateError {
  readonly errorClass = 'infra' as const;
}

/** The backend cannot emulate what the profile asks for; the job is skipped, never run on other hardware. */
export class UnsupportedProfileError extends BootgateError {
  readonly errorClass = 'unsupported' as const;
  constructor(
    readonly backend: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`not supported by ${backend} (${field}: ${reason})`);
  }
}

export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `…${flat.slice(-max)}` : flat;
}

/**
 * A phase took longer than its budget, though every step passed. `clock` says which: wall time
 * and guest time are in milliseconds, instructions are counted.
 */
export class BudgetExceededError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly phase: string,
    readonly budget: number,
    readonly actual: number,
    readonly clock: 'wall' | 'guest' | 'instructions' = 'wall',
  ) {
    super(
      clock === 'instructions'
        ? `phase ${phase} ran ${groupDigits(actual)} guest instructions, over its budget of ${groupDigits(budget)}`
        : `phase ${phase} took ${(actual / 1000).toFixed(clock === 'guest' ? 3 : 1)} s${clock === 'guest' ? ' of guest time' : ''}, over its ${clock === 'guest' ? 'guest-time ' : ''}budget of ${(budget / 1000).toFixed(1)} s`,
    );
  }
}

/** A guest-time budget could not be checked because the guest clock could not place an event: not the image's fault. */
export class GuestClockError extends BootgateError {
  readonly errorClass = 'infra' as const;
}

/** The run was interrupted (Ctrl-C, SIGTERM, SIGHUP): the job's verdict is unknown, which is not the image's fault. */
export class InterruptedError extends BootgateError {
  readonly errorClass = 'interrupted' as const;
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/** An image is larger than its size budget; found before booting, so no boot is spent on it. */
export class SizeBudgetError extends BootgateError {
  readonly errorClass = 'failed' as const;
  constructor(
    readonly image: string,
    readonly budgetBytes: number,
    readonly actualBytes: number,
  ) {
    super(`${image} is ${actualBytes} bytes (${(actualBytes / 1048576).toFixed(2)} MiB), over its size budget of ${budgetBytes} bytes (${(budgetBytes / 1048576).toFixed(2)} MiB)`);
  }
}

/** The kinds of failure a report names at the top of a job, and a dashboard counts. */
export type FailureKind =
  | 'timeout'
  | 'stall'
  | 'failure-pattern'
  | 'failure-screen'
  | 'reset-loop'
  | 'screen-mismatch'
  | 'crash'
  | 'budget'
  | 'infra'
  | 'config'
  | 'interrupted'
  | 'unexpected-pass';

export function failureKindOf(error: unknown): FailureKind {
  if (error instanceof StalledError) return 'stall';
  if (error instanceof WaitTimeoutError) return 'timeout';
  if (error instanceof FailurePatternError) return 'failure-pattern';
  if (error instanceof FailureScreenError) return 'failure-screen';
  if (error instanceof ResetLoopError) return 'reset-loop';
  if (error instanceof ScreenMismatchError || error instanceof ScreenUnstableError) return 'screen-mismatch';
  if (error instanceof MachineCrashedError) return 'crash';
  if (error instanceof BudgetExceededError || error instanceof SizeBudgetError) return 'budget';
  if (error instanceof ConfigError) return 'config';
  if (error instanceof InterruptedError) return 'interrupted';
  return 'infra';
}
