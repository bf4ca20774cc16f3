/**
 * `bootgate record <scenario.yaml | image>`: starts the machine (an image booted afresh, or a
 * scenario run to its end with the ordinary engine), then serves a page on 127.0.0.1 where a
 * person uses it: what they do on its screen becomes steps, with the waits and region goldens a
 * replay needs (harness/record/). Save writes the scenario and its goldens and prints the run
 * command; the session ends with the page's stop, Ctrl-C, or the machine ending. With
 * --from-report the machine is a failed job's saved state: its scenario goes on from the step
 * that failed, and where that step fails again the person takes over there.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { BootgateError, ConfigError } from '../errors.js';
import { createMachine } from '../machine/create-machine.js';
import type { Machine, MachineFactory } from '../machine/machine.js';
import type { PointerButton } from '../machine/pointer.js';
import { FrameFeed } from '../record/frame-feed.js';
import { RecordedScenario, type RecordStart } from '../record/recorded-scenario.js';
import { Recorder } from '../record/recorder.js';
import { RecordServer } from '../record/record-server.js';
import { PointerTracker } from '../repro/pointer-tracker.js';
import { runJobs } from '../run/run-jobs.js';
import { defaultGoldenDir } from '../scenario/load-scenario.js';
import { GoldenStore } from '../screen/golden-store.js';
import { EXIT } from '../model/outcome.js';
import { TOOL_VERSION } from '../util/tool-version.js';
import { loadTargets } from './load-targets.js';
import { failedJobState } from './failed-job-state.js';
import { oneJob } from './one-job.js';

export interface RecordOptions {
  readonly backend?: readonly string[];
  readonly profile?: readonly string[];
  /** The scenario to write; default: the scenario itself (its recorded phases appended), or `<image>.yaml` here. */
  readonly out?: string;
  /** Start where a failed job of this report folder saved its machine (`--save-state-on-failure`)... */
  readonly fromReport?: string;
  /** ...this job. */
  readonly job?: string;
}

export interface RecordEnvironment {
  readonly createMachine?: MachineFactory;
  /** Aborted on Ctrl-C / SIGTERM: the recording ends (what was saved stays). */
  readonly signal?: AbortSignal;
  readonly output?: { write(text: string): unknown };
}

const SERIAL_SHOWN_CHARS = 6000;
const IMAGE_ROLE_BY_EXT: Readonly<Record<string, 'cdrom' | 'floppy' | 'disk'>> = { '.iso': 'cdrom' };
/** An image this small with no .iso ending is a floppy (2.88 MB is the largest PC floppy). */
const FLOPPY_MAX_BYTES = 2_949_120;

export async function recordCommand(target: string | undefined, given: RecordOptions, env: RecordEnvironment = {}): Promise<number> {
  const output = env.output ?? process.stdout;
  const write = (line: string) => output.write(`${line}\n`);
  const failed = given.fromReport !== undefined ? failedJobState(given.fromReport, given.job) : undefined;
  if (failed && target !== undefined) throw new ConfigError('--from-report records on the failed job\'s own scenario: give no scenario or image', { field: '--from-report' });
  if (!failed && target === undefined) throw new ConfigError('give a scenario or an image to record on (or --from-report DIR --job ID)', { field: 'scenario' });
  const path = failed?.scenarioFile ?? target!;
  const options: RecordOptions = failed ? { ...given, backend: [failed.backend], profile: [failed.profile] } : given;
  const isScenario = failed !== undefined || /\.ya?ml$/i.test(path);
  const temp = mkdtempSync(join(tmpdir(), 'bootgate-record-'));
  try {
    const { scenarioFile, start, out } = isScenario ? scenarioStart(path, options) : imageStart(path, options, temp);
    const { job } = await oneJob(scenarioFile, options, 'record', write);
    const goldens =
      start.kind === 'append'
        ? new GoldenStore(job.scenario.goldenDir, job.scenario.name, job.backend, 'missing')
        : new GoldenStore(defaultGoldenDir(dirname(out)), basename(out, extname(out)), job.backend, 'missing');
    const recorded = new RecordedScenario(out, start.kind === 'image' ? { ...start, backend: job.backend } : start, goldens);

    const pointer = new PointerTracker();
    const factory: MachineFactory = (backend, spec) => pointer.track((env.createMachine ?? createMachine)(backend, spec));
    write(`bootgate ${TOOL_VERSION} record: ${job.id}${start.kind === 'image' ? '' : `, from the end of ${relative(process.cwd(), scenarioFile) || scenarioFile}`}`);
    let sessionRan = false;
    const [result] = await runJobs([job], {
      concurrency: 1,
      retries: 0,
      reportDir: join(temp, 'report'),
      updateMode: 'none',
      timeoutScale: 1,
      filmstrip: 'off',
      createMachine: factory,
      ...(env.signal ? { signal: env.signal } : {}),
      ...(failed ? { fromState: failed.state } : {}),
      onStep: (_job, phase, description) => write(`  ${phase}: ${description}`),
      handOver: async (machine, error) => {
        if (env.signal?.aborted) return;
        if (error !== undefined && !(error instanceof BootgateError && error.errorClass === 'failed')) return;
        if (error !== undefined) write(`FAILED: ${(error as Error).message}\nthe machine is where it failed: what you record goes on from here`);
        sessionRan = true;
        await session(machine, pointer, new Recorder(machine, pointer, start.kind === 'append' ? 'recorded' : 'main', (n) => recorded.taken(n)), recorded, write, env.signal);
      },
    });
    if (!sessionRan) {
      write(`${result!.outcome}${result!.error ? `: ${result!.error.message}` : ''}`);
      write('nothing to record on: the machine did not get as far as the end of its steps');
      return env.signal?.aborted ? EXIT.interrupted : EXIT.failed;
    }
    return env.signal?.aborted ? EXIT.interrupted : EXIT.passed;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A scenario: appended to in place, or (with --out) a new scenario from its last step's snapshot point. */
function scenarioStart(path: string, options: RecordOptions): { scenarioFile: string; start: RecordStart; out: string } {
  const file = resolve(path);
  if (!options.out || resolve(options.out) === file) return { scenarioFile: file, start: { kind: 'append' }, out: file };
  const scenario = loadTargets([file]).scenarios[0];
  const last = scenario?.phases.at(-1)?.steps.at(-1);
  if (!last?.snapshot) {
    throw new ConfigError(`${path}: a new scenario (--out) starts from a snapshot point, and its last step has none: give it \`snapshot: NAME\`, or record into ${path} itself (no --out)`, { field: '--out' });
  }
  return { scenarioFile: file, start: { kind: 'from', scenario: file, snapshot: last.snapshot }, out: resolve(options.out) };
}

/** An image: booted by a scenario of its own that only starts the machine. */
function imageStart(path: string, options: RecordOptions, temp: string): { scenarioFile: string; start: RecordStart; out: string } {
  const image = resolve(path);
  let size: number;
  try {
    size = statSync(image).size;
  } catch {
    throw new ConfigError(`${path}: no such image`, { field: 'image' });
  }
  const role = IMAGE_ROLE_BY_EXT[extname(image).toLowerCase()] ?? (size <= FLOPPY_MAX_BYTES ? 'floppy' : 'disk');
  const profile = options.profile?.length === 1 ? options.profile[0] : undefined;
  const scenarioFile = join(temp, 'start.yaml');
  // One step that passes at once: the recording starts as the machine does.
  writeFileSync(scenarioFile, stringify({ image: { [role]: image }, ...(profile ? { profile } : {}), steps: [{ waitStill: { for: '100ms', allowBlank: true } }] }));
  const out = resolve(options.out ?? `${basename(image, extname(image))}.yaml`);
  return { scenarioFile, start: { kind: 'image', role, image, ...(profile ? { profile } : {}), backend: '' }, out };
}

async function session(machine: Machine, tracker: PointerTracker, recorder: Recorder, recorded: RecordedScenario, write: (line: string) => void, signal: AbortSignal | undefined): Promise<void> {
  const feed = new FrameFeed(machine);
  let busy = false;
  let ended: string | null = null;
  let rows: string[] | null = null;
  let finish!: (why: string) => void;
  const done = new Promise<string>((r) => (finish = r));
  const server = new RecordServer(feed, {
    state: async () => ({
      file: recorded.file,
      yaml: recorded.yaml(recorder),
      steps: recorder.entries.flatMap((e) => e.steps.map((step) => stringify(step, { collectionStyle: 'flow', lineWidth: 0 }).trim())),
      serial: machine.serial.text.slice(-SERIAL_SHOWN_CHARS),
      // Between requests only: a request's own reads of the screen come first.
      text: busy ? rows : (rows = (await recorder.textRows().catch(() => undefined)) ?? null),
      pointer: tracker.position ?? null,
      backend: machine.backend,
      busy,
      ended,
    }),
    act: (request) =>
      recorder.run(async () => {
        busy = true;
        try {
          const answer = await act(recorder, recorded, request, finish);
          write(`  ${answer}`);
          return answer;
        } finally {
          busy = false;
        }
      }),
  });
  const url = await server.listen();
  write(`record in your browser (loopback only; the token is the key): ${url}`);
  const onAbort = () => finish('interrupted');
  signal?.addEventListener('abort', onAbort);
  void machine.exited.then((e) => finish(`the machine ended: ${e.reason}`));
  try {
    const why = await done;
    ended = `recording ended: ${why}`;
    write(ended);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await recorder.run(async () => undefined); // the request under way finishes first
    await recorder.stop();
    await feed.stop();
    await server.close();
  }
}

async function act(recorder: Recorder, recorded: RecordedScenario, r: Record<string, unknown>, finish: (why: string) => void): Promise<string> {
  const num = (v: unknown, what: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${what}: a number`, { field: what });
    return v;
  };
  const point = (v: unknown, what: string) => ({ x: num((v as { x?: unknown })?.x, `${what}.x`), y: num((v as { y?: unknown })?.y, `${what}.y`) });
  const str = (v: unknown, what: string) => {
    if (typeof v !== 'string' || !v) throw new ConfigError(`${what}: give a name`, { field: what });
    return v;
  };
  switch (r.kind) {
    case 'click':
      return recorder.click(num(r.x, 'x'), num(r.y, 'y'), (r.button ?? 'left') as PointerButton, r.double === true, r.byText === true);
    case 'drag':
      return recorder.drag(point(r.from, 'from'), point(r.to, 'to'), (r.button ?? 'left') as PointerButton);
    case 'scroll':
      return recorder.scroll(num(r.x, 'x'), num(r.y, 'y'), num(r.notches, 'notches'));
    case 'press':
      return recorder.press(Array.isArray(r.chords) ? r.chords.map(String) : []);
    case 'type':
      return recorder.type(typeof r.text === 'string' ? r.text : '');
    case 'box':
      return recorder.assertBox({ x: num(r.x, 'x'), y: num(r.y, 'y'), width: num(r.width, 'width'), height: num(r.height, 'height') });
    case 'waitText':
      return recorder.assertText(typeof r.text === 'string' ? r.text : '');
    case 'waitSerial':
      return recorder.assertSerial();
    case 'waitStill':
      return recorder.assertStill();
    case 'snapshot':
      return recorder.snapshot(str(r.name, 'snapshot'));
    case 'phase':
      return recorder.phase(str(r.name, 'phase'), r.budget === true);
    case 'undo':
      return recorder.undo();
    case 'save': {
      const saved = await recorded.save(recorder);
      const here = relative(process.cwd(), saved.file);
      const file = here && !here.startsWith('..') ? here : saved.file;
      return `saved ${file}${saved.goldens.length ? ` and ${saved.goldens.length} golden(s)` : ''}; replay it with: bootgate run ${file} --backend ${recorded.goldens.backend}`;
    }
    case 'quit':
      finish('stopped from the page');
      return 'stopping';
    default:
      throw new ConfigError(`unknown action ${JSON.stringify(r.kind)}`, { field: 'kind' });
  }
}
