/**
 * `bootgate repro <scenario>`: runs one job of a scenario with the ordinary engine and, when a
 * step fails (or the `--until` step is reached), hands the still-running machine to the person:
 * its serial console on the terminal, its screen on a loopback VNC display (QEMU) and in a PNG
 * refreshed every second (both backends), and the emulator command line that reproduces it
 * without bootgate. Each step's line says where the pointer is after it, once a step has moved
 * it; the session's prompt moves and clicks it and, with --update-goldens, saves region goldens
 * (the replay itself never writes a golden: it fails where `run` would). With `--commands FILE`
 * (`-`: stdin) the prompt's commands come from the file instead of a terminal, and the session
 * ends after the last. Detaching, the end of the input or Ctrl-C stops the machine and removes
 * its files; the exit code is the job's (1 failed, 0 reached --until or passed), or 2 when a
 * command of the file failed.
 */
import { randomBytes } from 'node:crypto';
import { buildRunResult } from '../report/run-result.js';
import { join, resolve } from 'node:path';
import { BootgateError } from '../errors.js';
import { createMachine } from '../machine/create-machine.js';
import type { Machine, MachineFactory } from '../machine/machine.js';
import { writeHtml } from '../report/html-reporter.js';
import { writeResults } from '../report/json-reporter.js';
import { prepareReportDir, RESULTS_FILE } from '../report/report-dir.js';
import { readCommandScript, runCommandScript, type CommandLine } from '../repro/command-script.js';
import { attachConsole, PROMPT, type ConsoleInput, type ConsoleOutput, type SessionResult } from '../repro/console-session.js';
import { PointerTracker } from '../repro/pointer-tracker.js';
import { sessionCommands } from '../repro/session-commands.js';
import { COMMAND_KEY_NAME, DETACH_KEY_NAME } from '../repro/session-keys.js';
import { ScreenRefresher } from '../repro/screen-refresher.js';
import { jobUntil, resolveUntil, type UntilPoint } from '../repro/until.js';
import { findFreeVncDisplay, VNC_BASE_PORT } from '../repro/vnc-display.js';
import { JobArtifacts } from '../run/job-artifacts.js';
import { EXIT, exitCodeFor } from '../model/outcome.js';
import { GoldenStore, type UpdateMode } from '../screen/golden-store.js';
import { runJobs } from '../run/run-jobs.js';
import { TOOL_VERSION } from '../util/tool-version.js';
import { oneJob } from './one-job.js';
import { positiveNumber } from './parse-options.js';
import { wholeNumber } from '../config/whole-number.js';
import { isCi, resolveUpdateMode } from './update-mode.js';

export interface ReproOptions {
  readonly backend?: readonly string[];
  readonly profile?: readonly string[];
  readonly until?: string;
  readonly reportDir: string;
  readonly timeoutScale: string;
  /** QEMU's VNC display number (port 5900 + n); default the first free one. */
  readonly vnc?: string;
  readonly saveStateOnFailure?: boolean;
  readonly fromState?: string;
  /** What the session may write: `region` saves goldens only with a mode other than none (the default). */
  readonly updateGoldens?: string | boolean;
  /** The prompt's commands from this file (`-`: stdin) instead of a terminal session. */
  readonly commands?: string;
}

export interface ReproEnvironment {
  readonly createMachine?: MachineFactory;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal?: AbortSignal;
  /** The person's keyboard; default stdin. */
  readonly input?: ConsoleInput;
  /** Where the serial console and messages go; default stdout. */
  readonly output?: ConsoleOutput;
  /** How often the screen file is refreshed. Default 1 s. */
  readonly screenIntervalMs?: number;
  /** Running in CI (default: from $CI): no golden is written. */
  readonly ci?: boolean;
}

/** How much of the serial log is replayed when the console is attached. */
const SERIAL_REPLAY_BYTES = 4096;

export async function reproCommand(path: string, options: ReproOptions, env: ReproEnvironment = {}): Promise<number> {
  const output = env.output ?? process.stdout;
  const input = env.input ?? process.stdin;
  const write = (line: string) => output.write(`${line}\n`);

  const timeoutScale = positiveNumber(options.timeoutScale, '--timeout-scale');
  const script = options.commands !== undefined ? { file: options.commands, lines: readCommandScript(options.commands) } : undefined;
  let scriptFailure: Error | undefined;
  const updateMode = resolveUpdateMode(options.updateGoldens, env.ci ?? isCi(), write, 'none');
  const { job } = await oneJob(path, options, 'repro', write);
  const until = options.until !== undefined ? resolveUntil(job.scenario, options.until) : undefined;
  const runJob = until ? jobUntil(job, until) : job;
  const vnc = job.backend === 'qemu' ? (options.vnc !== undefined ? wholeNumber(options.vnc, '--vnc', 0) : await findFreeVncDisplay()) : undefined;

  const reportDir = resolve(options.reportDir);
  prepareReportDir(reportDir);
  const artifacts = new JobArtifacts(reportDir, job.id, 1);
  const screenFile = join(artifacts.dir, 'screen.png');

  let machine: Machine | undefined;
  const pointer = new PointerTracker();
  // A one-time password: the display's loopback port is open to every user of this host.
  const vncPassword = vnc !== undefined ? randomBytes(6).toString('base64url') : undefined;
  const factory: MachineFactory = (backend, spec) => (machine = pointer.track((env.createMachine ?? createMachine)(backend, { ...spec, ...(vnc !== undefined ? { vnc, vncPassword } : {}) })));
  let announced = false;
  let session: SessionResult | undefined;

  write(`bootgate ${TOOL_VERSION} repro: ${job.id}${until ? `, until step ${until.label}` : ''}`);
  const startedAt = new Date();
  const [result] = await runJobs([runJob], {
    concurrency: 1,
    retries: 0,
    reportDir,
    updateMode: 'none', // the replay fails where `run` fails; only the session writes goldens
    timeoutScale,
    filmstrip: 'off', // the person is about to see the machine itself; do not make them wait for an encoder
    createMachine: factory,
    ...(env.signal ? { signal: env.signal } : {}),
    ...(options.saveStateOnFailure ? { saveStateOnFailure: true } : {}),
    ...(options.fromState ? { fromState: resolve(options.fromState) } : {}),
    onStep: (_job, phase, description) => {
      if (!announced && machine) {
        announced = true;
        write(
          machine.backend === 'qemu'
            ? 'the machine is running; this reproduces it without bootgate, in a fresh folder of its own ($d), its serial output on the terminal:'
            : 'the machine is running; these are the options of `new V86(options)` (npm v86, in Node) that reproduce it without bootgate:',
        );
        write(`  ${machine.describe()}`);
      }
      // The line ends once the step has, with where it left the pointer.
      output.write(`  ${phase}: ${description}`);
    },
    onStepEnd: () => {
      const at = pointer.describe();
      write(at ? ` · ${at}` : '');
    },
    handOver: async (m, error) => {
      if (env.signal?.aborted) return;
      // Only an image that misbehaved (or a scenario that got as far as asked) leaves anything to look at.
      if (error !== undefined && !(error instanceof BootgateError && error.errorClass === 'failed')) return;
      if (!(await isAlive(m))) return;
      const goldens = new GoldenStore(job.scenario.goldenDir, job.scenario.name, job.backend, updateMode);
      const commands = sessionCommands({ machine: m, pointer, goldens });
      const handOverContext = { until, vnc, ...(vncPassword ? { vncPassword } : {}), screenFile, input, output, write, env, commands, updateMode, pointer };
      if (!script) session = await handOver(m, error, handOverContext);
      else session = await runScript(error, handOverContext, script).catch((e: Error) => ((scriptFailure = e), { end: 'eof' as const, bytesIn: 0, bytesOut: 0 }));
    },
  });
  const job1 = result!;
  const run = buildRunResult([job1], startedAt, job1.durationMs, { updateGoldens: 'none', timeoutScale, jobs: 1, retries: 0 });
  writeResults(run, join(reportDir, RESULTS_FILE));
  writeHtml(run, reportDir);

  if (!session) {
    if (env.signal?.aborted) {
      write('interrupted before the machine could be handed over; it is stopped');
      return EXIT.interrupted;
    }
    write(`${job1.outcome}${job1.error ? `: ${job1.error.message}` : ''}`);
    write(job1.outcome === 'skipped' ? 'nothing to hand over: this backend cannot run the profile' : 'nothing to hand over: the machine did not get as far as a step (see the report)');
  }
  write(`machine stopped and its files removed; report in ${reportDir}`);
  if (scriptFailure) {
    write(`commands failed: ${scriptFailure.message}`);
    return EXIT.config;
  }
  if (job1.outcome === 'skipped') return EXIT.config;
  if (job1.outcome === 'expected-failure') return EXIT.failed;
  return exitCodeFor([job1.outcome]);
}

interface HandOverContext {
  readonly until?: UntilPoint;
  readonly vnc?: number;
  readonly vncPassword?: string;
  readonly screenFile: string;
  readonly input: ConsoleInput;
  readonly output: ConsoleOutput;
  readonly write: (line: string) => void;
  readonly env: ReproEnvironment;
  readonly commands: (line: string) => Promise<string>;
  readonly updateMode: UpdateMode;
  readonly pointer: PointerTracker;
}

/** Why the machine is handed over. */
function announce(error: unknown, ctx: HandOverContext): void {
  ctx.write('');
  if (error !== undefined) ctx.write(`FAILED: ${(error as Error).message}`);
  else if (ctx.until) ctx.write(`reached step ${ctx.until.label}`);
  else ctx.write('every step passed');
}

async function handOver(machine: Machine, error: unknown, ctx: HandOverContext): Promise<SessionResult> {
  const { write } = ctx;
  announce(error, ctx);
  write(`the machine is yours (${machine.backend}):`);
  if (ctx.vnc !== undefined) write(`  screen: VNC at 127.0.0.1:${ctx.vnc} (port ${VNC_BASE_PORT + ctx.vnc}, loopback only), password ${ctx.vncPassword ?? '(none set: closed)'}, e.g. vncviewer 127.0.0.1:${ctx.vnc}`);
  const refresher = new ScreenRefresher(machine, ctx.screenFile, ctx.env.screenIntervalMs ?? 1000);
  await refresher.start();
  write(`  screen: ${ctx.screenFile} (rewritten every second while it changes)`);
  write(`  serial console attached below: what you type goes to the guest's serial port;`);
  write(`  ${DETACH_KEY_NAME} (or the end of input, or Ctrl-C from outside) detaches and stops the machine;`);
  write(`  ${COMMAND_KEY_NAME} opens a prompt: pointer, move, click, scroll, type, press, wait, region (${ctx.updateMode === 'none' ? 'needs --update-goldens' : `saves goldens, --update-goldens=${ctx.updateMode}`}), help`);
  const at = ctx.pointer.describe();
  if (at) write(`  ${at} (where the steps left it)`);
  const { fromByte, skipped } = replayStart(machine);
  write(skipped > 0 ? `--- serial console (the last ${machine.serial.rawByteLength - fromByte} of ${machine.serial.rawByteLength} bytes so far; all of them in serial.log) ---` : '--- serial console ---');
  let session: SessionResult;
  try {
    session = await attachConsole({ machine, input: ctx.input, output: ctx.output, ...(ctx.env.signal ? { signal: ctx.env.signal } : {}), fromByte, commands: ctx.commands });
  } finally {
    await refresher.stop();
  }
  const how = { detach: `detached (${DETACH_KEY_NAME})`, eof: 'end of input', interrupt: 'interrupted', 'machine-exited': `the machine ended: ${session.reason ?? ''}` }[session.end];
  write('');
  write(`--- ${how}; stopping the machine ---`);
  if (session.sendError) write(`note: some input did not reach the guest: ${session.sendError}`);
  return session;
}

/** The session from a command file: the hand-over's news, the commands and their answers, then the end. */
async function runScript(error: unknown, ctx: HandOverContext, script: { file: string; lines: readonly CommandLine[] }): Promise<SessionResult> {
  const { write } = ctx;
  announce(error, ctx);
  write(`--- ${script.lines.length} commands from ${script.file === '-' ? 'stdin' : script.file} ---`);
  const finished = await runCommandScript(script.file, script.lines, ctx.commands, write, PROMPT, ctx.env.signal);
  write(finished ? '--- end of the commands; stopping the machine ---' : '--- interrupted; stopping the machine ---');
  return { end: finished ? 'eof' : 'interrupt', bytesIn: 0, bytesOut: 0 };
}

/** Where to start replaying the serial log: its last few KiB, from a line start. */
function replayStart(machine: Machine): { fromByte: number; skipped: number } {
  const length = machine.serial.rawByteLength;
  if (length <= SERIAL_REPLAY_BYTES) return { fromByte: 0, skipped: 0 };
  const tailStart = length - SERIAL_REPLAY_BYTES;
  const newline = machine.serial.rawSlice(tailStart, length).indexOf(0x0a);
  const fromByte = newline < 0 ? tailStart : tailStart + newline + 1;
  return { fromByte, skipped: fromByte };
}

function isAlive(machine: Machine): Promise<boolean> {
  return Promise.race([machine.exited.then(() => false), new Promise<boolean>((r) => setImmediate(() => r(true)))]);
}
