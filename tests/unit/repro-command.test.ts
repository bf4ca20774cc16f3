/** `bootgate repro` through the real engine on the fake machine: hand-over, exit codes, cleanup. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { reproCommand } from '../../harness/cli/repro-command.js';
import { FakeMachine, type FakeScript } from '../../harness/machine/fake/fake-machine.js';
import type { MachineFactory, MachineSpec } from '../../harness/machine/machine.js';
import { PROMPT } from '../../harness/repro/console-session.js';
import { GoldenStore } from '../../harness/screen/golden-store.js';
import { regionSpecs } from '../../harness/steps/region-wait.js';
import { desktop } from '../support/region-frames.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
let reportRoot: string;
afterEach(() => {
  project?.remove();
  rmSync(reportRoot, { recursive: true, force: true });
});

const SCENARIO = 'image: {cdrom: disk.img}\nbackends: [qemu, v86]\nstepTimeout: 2s\nphases:\n  - name: boot\n    steps:\n      - waitSerial: "login:"\n      - name: shell\n        waitSerial: "# "\n        timeout: 300ms\n';

/** Runs repro; `onAttached` is called once the console banner is out (default: end the input). */
async function repro(
  script: FakeScript,
  args: { until?: string; backend?: string[]; updateGoldens?: string | boolean; commands?: string } = {},
  onAttached: (input: PassThrough, machine: FakeMachine) => void = (input) => input.end(),
  scenario = SCENARIO,
  ci = false,
  signal?: AbortSignal,
) {
  project = new TempProject();
  reportRoot = mkdtempSync(join(tmpdir(), 'bootgate-repro-'));
  const file = project.write('s.yaml', scenario);
  const machines: FakeMachine[] = [];
  const specs: MachineSpec[] = [];
  const createMachine: MachineFactory = (backend, spec) => {
    specs.push(spec);
    const m = new FakeMachine(backend, script);
    machines.push(m);
    return m;
  };
  const input = new PassThrough();
  const chunks: string[] = [];
  const output = {
    write: (c: Uint8Array | string) => {
      chunks.push(typeof c === 'string' ? c : Buffer.from(c).toString('latin1'));
      if (chunks[chunks.length - 1]!.startsWith('--- serial console')) setTimeout(() => onAttached(input, machines[0]!), 10);
    },
  };
  const reportDir = join(reportRoot, 'report');
  const code = await reproCommand(file, { reportDir, timeoutScale: '1', vnc: '42', ...args }, { createMachine, input, output, screenIntervalMs: 20, ci, ...(signal ? { signal } : {}) });
  return { code, out: chunks.join(''), machines, specs, reportDir };
}

describe('bootgate repro on the fake machine', () => {
  it('a failing step hands the machine over: command first, console attached, end of input stops it, exit 1', async () => {
    const { code, out, machines, specs, reportDir } = await repro({ timeline: [{ at: 10, serial: 'Debian\r\nlogin: ' }] }, {}, (input) => input.end('root\r'));
    expect(code).toBe(1);
    expect(out.indexOf('fake-machine --backend qemu')).toBeGreaterThan(-1);
    expect(out.indexOf('fake-machine --backend qemu')).toBeLessThan(out.indexOf('FAILED'));
    expect(out).toMatch(/note: the scenario has 2 jobs .* repro runs the first/);
    expect(out).toMatch(/VNC at 127\.0\.0\.1:42 \(port 5942, loopback only\)/);
    expect(out).toMatch(/--- serial console ---\nDebian\r\nlogin: /);
    expect(out).toMatch(/end of input; stopping the machine/);
    expect(specs[0]!.vnc).toBe(42);
    expect(machines).toHaveLength(1);
    expect(machines[0]!.serialIn).toEqual(['root\r']);
    expect(machines[0]!.stopped).toBe(true);
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8'));
    expect(results.jobs[0].outcome).toBe('failed');
    expect(existsSync(join(reportDir, 'jobs/s--qemu--p3-i440fx/screen.png'))).toBe(true);
    expect(existsSync(join(reportDir, 'jobs/s--qemu--p3-i440fx/serial.log'))).toBe(true);
  });

  it('--until hands over after that step and exits 0; the detach key ends it; v86 gets no VNC', async () => {
    const { code, out, machines, specs } = await repro({ timeline: [{ at: 10, serial: 'login: ' }] }, { until: '1', backend: ['v86'] }, (input) => input.write('ab\x1dcd'));
    expect(code).toBe(0);
    expect(out).toMatch(/until step 1 \(wait for serial login:\)/);
    expect(out).toMatch(/reached step 1/);
    expect(out).not.toMatch(/VNC/);
    expect(out).toMatch(/detached \(Ctrl-\]\)/);
    expect(specs[0]!.vnc).toBeUndefined();
    expect(machines[0]!.serialIn).toEqual(['ab']);
    expect(machines[0]!.stopped).toBe(true);
  });

  it('an emulator that cannot start is not handed over: infra exit 3, nothing attached', async () => {
    const { code, out, machines } = await repro({ timeline: [{ at: 5, crash: 'segfault' }] });
    expect(code).toBe(3);
    expect(out).not.toMatch(/serial console/);
    expect(out).toMatch(/nothing to hand over/);
    expect(machines[0]!.stopped).toBe(true);
  });

  it('each step line ends with where the pointer is once a step moved it; the prompt moves it and saves a region golden with --update-goldens', async () => {
    const frame = desktop(64, 48);
    const scenario = 'image: {cdrom: disk.img}\nbackends: [qemu]\nsteps:\n  - waitSerial: "login:"\n  - move: {x: 3, y: 4}\n  - click: {x: 20, y: 30}\n  - name: shell\n    waitSerial: "# "\n    timeout: 300ms\n';
    const { code, out, machines } = await repro(
      { timeline: [{ at: 0, frame }, { at: 10, serial: 'login: ' }] },
      { updateGoldens: true },
      (input) => input.end('\x14pointer\r\x14move 10 12\r\x14region start 8 8 16 8 click\r'),
      scenario,
    );
    expect(code).toBe(1);
    const steps = out.split('\n').filter((l) => l.startsWith('  main: '));
    expect(steps).toEqual([
      '  main: wait for serial login:',
      '  main: move the pointer to 3,4 · pointer 3,4',
      '  main: click at 20,30 · pointer 20,30',
      '  main: shell · pointer 20,30',
    ]);
    expect(out).toMatch(/pointer 20,30 \(where the steps left it\)/);
    expect(out).toMatch(/Ctrl-T opens a prompt: pointer, move, click, scroll, type, press, wait, region \(saves goldens, --update-goldens=changed\), help/);
    expect(out).toContain(`${PROMPT}pointer\r\npointer 20,30\r\n`);
    expect(out).toContain(`${PROMPT}move 10 12\r\npointer 10,12\r\n`);
    const png = project.path('golden-screens/s/start.qemu.png');
    expect(out).toContain(`golden start created: ${png}`);
    expect(machines[0]!.serialIn).toEqual([]);
    const golden = await new GoldenStore(project.path('golden-screens'), 's', 'qemu', 'none').load('start');
    expect(golden.image).toEqual(frame);
    expect(regionSpecs([golden])).toEqual([{ areas: [{ x: 8, y: 8, width: 16, height: 8, clickPoint: { x: 2, y: 4 } }], excludes: [] }]);
  });

  it('without --update-goldens, or in CI, the prompt saves no golden', async () => {
    const region = (input: PassThrough) => input.end('\x14region start 0 0 4 4\r');
    const local = await repro({ timeline: [{ at: 10, serial: 'login: ' }] }, {}, region);
    expect(local.out).toMatch(/region \(needs --update-goldens\)/);
    expect(local.out).toMatch(/--update-goldens: saving a golden needs --update-goldens/);
    expect(existsSync(project.path('golden-screens/s'))).toBe(false);
    project.remove();
    rmSync(reportRoot, { recursive: true, force: true });
    const ci = await repro({ timeline: [{ at: 10, serial: 'login: ' }] }, { updateGoldens: 'all' }, region, SCENARIO, true);
    expect(ci.out).toMatch(/note: CI is set, so goldens are not written \(--update-goldens=all ignored\)/);
    expect(existsSync(project.path('golden-screens/s'))).toBe(false);
  });

  it('--commands runs the prompt\'s commands from a file, no terminal needed, and a failing one ends it with exit 2 naming its line', async () => {
    const frame = desktop(64, 48);
    const scenario = 'image: {cdrom: disk.img}\nbackends: [qemu]\nsteps:\n  - waitSerial: "login:"\n';
    const dir = mkdtempSync(join(tmpdir(), 'bootgate-commands-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const commands = join(dir, 'commands.txt');
    writeFileSync(commands, '# record the start screen\ntype root\npress enter down\nwait 20ms\n\nregion start 8 8 16 8\npointer\n');
    const ok = await repro({ timeline: [{ at: 0, frame }, { at: 10, serial: 'login: ' }] }, { until: '1', updateGoldens: true, commands }, () => undefined, scenario);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`--- 5 commands from ${commands} ---`);
    expect(ok.out).toContain(`${PROMPT}type root\ntyped "root"\n${PROMPT}press enter down\npressed enter down\n`);
    expect(ok.out).toMatch(/golden start created: .*start\.qemu\.png/);
    expect(ok.out).toMatch(/--- end of the commands; stopping the machine ---/);
    expect(ok.machines[0]!.typed).toEqual(['root']);
    expect(ok.machines[0]!.keys).toHaveLength(2);
    expect(ok.machines[0]!.stopped).toBe(true);
    expect(existsSync(project.path('golden-screens/s/start.qemu.png'))).toBe(true);

    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'press enter\nwiggle 3\npress down\n');
    project.remove();
    rmSync(reportRoot, { recursive: true, force: true });
    const failed = await repro({ timeline: [{ at: 0, frame }, { at: 10, serial: 'login: ' }] }, { until: '1', commands: bad }, () => undefined, scenario);
    expect(failed.code).toBe(2);
    expect(failed.out).toMatch(/commands failed: .*bad\.txt:2: wiggle 3: command: unknown command "wiggle"/);
    expect(failed.machines[0]!.keys).toHaveLength(1);
    expect(failed.machines[0]!.stopped).toBe(true);

    // Ctrl-C ends a script at once, inside a long wait too, and stops the machine.
    const slow = join(dir, 'slow.txt');
    writeFileSync(slow, 'wait 30s\npress down\n');
    project.remove();
    rmSync(reportRoot, { recursive: true, force: true });
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 300);
    const started = performance.now();
    const stopped = await repro({ timeline: [{ at: 0, frame }, { at: 10, serial: 'login: ' }] }, { until: '1', commands: slow }, () => undefined, scenario, false, interrupt.signal);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(stopped.out).toMatch(/--- interrupted; stopping the machine ---/);
    expect(stopped.machines[0]!.keys).toHaveLength(0);
    expect(stopped.machines[0]!.stopped).toBe(true);
  });
});
