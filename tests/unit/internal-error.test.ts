import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { internalErrorText } from '../../harness/cli/internal-error.js';
import { sourceStack } from '../../harness/util/source-stack.js';

const ROOT = join(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'dist/bundle/main.js');
afterEach(() => delete process.env.BOOTGATE_DEBUG);

/** A stack as the bundle gives it: a frame at the line of `text` in dist/bundle/main.js. */
function bundleStack(text: string): string {
  const lines = readFileSync(BUNDLE, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(text));
  const column = lines[line]!.indexOf(text);
  return `TypeError: boom\n    at V86Machine.start (file://${BUNDLE}:${line + 1}:${column + 1})\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
}

describe.skipIf(!existsSync(`${BUNDLE}.map`))('an internal error', () => {
  it('is one line naming the harness/…ts line, without bundle source or a stack', () => {
    const error = new TypeError('boom');
    error.stack = bundleStack('throw new MachineCrashedError("v86",this.exitReason)');
    const text = internalErrorText(error);
    expect(text).toMatch(/^bootgate: internal error: TypeError: boom \(at harness\/machine\/v86\/v86-machine\.ts:\d+:\d+\); BOOTGATE_DEBUG=1 shows the stack\n$/);
  });

  it('with BOOTGATE_DEBUG is the whole stack, mapped to the TypeScript source', () => {
    process.env.BOOTGATE_DEBUG = '1';
    const error = new TypeError('boom');
    error.stack = bundleStack('throw new MachineCrashedError("v86",this.exitReason)');
    const text = internalErrorText(error);
    expect(text).toContain(`at V86Machine.start (${join(ROOT, 'harness/machine/v86/v86-machine.ts')}:`);
    expect(text).not.toContain('main.js');
    expect(sourceStack('at x (/nowhere/at/all.js:1:1)')).toBe('at x (/nowhere/at/all.js:1:1)');
  });
});
