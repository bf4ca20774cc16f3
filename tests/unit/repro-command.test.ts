/** `bootgate repro` through the real engine on the fake machine: hand-over, exit codes, cleanup. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { reproCommand } from '../../harness/cli/repro-command.js';
import { FakeMachine, type FakeScript } from '../../harness/machine/fake/fake-machine.js';
import type { MachineFactory, MachineSpec } from '../../harness/machine/machine.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
let reportRoot: string;
afterEach(() => {
  project?.remove();
  rmSync(reportRoot, { recursive: true, force: true });
});

const SCENARIO = 'image: {cdrom: disk.img}\nbackends: [qemu, v86]\nstepTimeout: 2s\nphases:\n  - name: boot\n    steps:\n      - waitSerial: "login:"\n      - name: shell\n        waitSerial: "# "\n        timeout: 300ms\n';

/** Runs repro; `onAttached` is called once the console banner is out (default: end the input). */
async function repro(script: FakeScript, args: { until?: string; backend?: string[] } = {}, onAttached: (input: PassThrough, machine: FakeMachine) => void = (input) => input.end()) {
  project = new TempProject();
  reportRoot = mkdtempSync(join(tmpdir(), 'bootgate-repro-'));
  const file = project.write('s.yaml', SCENARIO);
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
      chunks.push(Buffer.from(c).toString('latin1'));
      if (chunks[chunks.length - 1]!.startsWith('--- serial console')) setTimeout(() => onAttached(input, machines[0]!), 10);
    },
  };
  const reportDir = join(reportRoot, 'report');
  const code = await reproCommand(file, { reportDir, timeoutScale: '1', vnc: '42', ...args }, { createMachine, input, output, screenIntervalMs: 20 });
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
});

