/**
 * A repro session's prompt commands read from a file or stdin (`--commands`), for a session a
 * script drives: one command a line; a line starting with `#` is a comment (only there: `type`
 * may type a `#`) and blank lines are skipped. Each is shown
 * after the prompt with what it answered; the first that fails ends the script, naming its line.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export interface CommandLine {
  readonly line: number;
  readonly text: string;
}

/** The commands of `file` (`-`: all of stdin), read before the machine starts so a bad path costs no boot. */
export function readCommandScript(file: string): CommandLine[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the commands (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, field: '--commands' });
  }
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((c) => c.text !== '' && !c.text.startsWith('#'));
}

/**
 * Runs the commands in order; throws a ConfigError naming the file and line of the first that
 * fails. Ctrl-C (`signal`) ends it at once, even inside a `wait`: returns false then.
 */
export async function runCommandScript(
  file: string,
  lines: readonly CommandLine[],
  run: (line: string) => Promise<string>,
  write: (text: string) => void,
  prompt: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const interrupted = new Promise<undefined>((resolve) => {
    if (signal?.aborted) resolve(undefined);
    signal?.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  for (const { line, text } of lines) {
    if (signal?.aborted) return false;
    write(`${prompt}${text}`);
    let answer: string | undefined;
    try {
      answer = await Promise.race([run(text), interrupted]);
    } catch (e) {
      throw new ConfigError(`${text}: ${(e as Error).message}`, { file: file === '-' ? 'stdin' : file, line });
    }
    if (answer === undefined) return false;
    write(answer);
  }
  return true;
}
