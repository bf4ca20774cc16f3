import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenarios, type RunCommandOptions } from '../../harness/cli/run-command.js';
import { InfraError } from '../../harness/errors.js';
import { FakeMachine } from '../../harness/machine/fake/fake-machine.js';
import type { MachineFactory } from '../../harness/machine/machine.js';
import type { RunResult } from '../../harness/model/results.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const OPTIONS: RunCommandOptions = { reportDir: '', timeoutScale: '1', retries: '0', filmstrip: 'off', tolerance: '10%', jobs: '1' };

describe('the report while a run goes on', () => {
  it('is on disk, marked incomplete, before the first job ends, and keeps each verdict as its job ends', async () => {
    project = new TempProject();
    project.write('disk.img', 'x');
    const file = project.write('s.yaml', 'image: {cdrom: disk.img}\nbackends: [qemu, v86]\nsteps:\n  - waitSerial: ready\n    timeout: 2s\n');
    const reportDir = project.path('report');
    const seen: RunResult[] = [];
    const read = () => JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunResult;
    const createMachine: MachineFactory = (backend, spec) => {
      seen.push(read());
      return new FakeMachine(backend, backend === 'qemu' ? { timeline: [{ at: 10, serial: 'ready' }] } : { startError: new InfraError('no v86 here') }, spec);
    };
    const lines: string[] = [];
    const { run, exitCode } = await runScenarios([loadScenario(file)], { ...OPTIONS, reportDir }, { createMachine, write: (l) => lines.push(l), ci: true });

    // While the first job ran: incomplete, both jobs interrupted; while the second ran: the first's verdict kept.
    expect(seen.map((r) => [r.incomplete, r.jobs.map((j) => j.outcome)])).toEqual([
      [true, ['interrupted', 'interrupted']],
      [true, ['passed', 'interrupted']],
    ]);
    expect(readFileSync(join(reportDir, 'junit.xml'), 'utf8')).not.toMatch(/incomplete/);
    expect(read().incomplete).toBeUndefined();
    expect(run.jobs.map((j) => j.outcome)).toEqual(['passed', 'infra-error']);
    expect(exitCode).toBe(3);
    // The closing line agrees with the exit code: the infra error counts as failed.
    expect(lines.at(-1)).toBe('1 passed, 1 failed');
  });

  it('an incomplete report says so in JUnit and HTML', async () => {
    project = new TempProject();
    project.write('disk.img', 'x');
    const file = project.write('s.yaml', 'image: {cdrom: disk.img}\nsteps:\n  - waitSerial: ready\n');
    const reportDir = project.path('report');
    let junit = '';
    let html = '';
    const createMachine: MachineFactory = (backend, spec) => {
      junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
      html = readFileSync(join(reportDir, 'index.html'), 'utf8');
      return new FakeMachine(backend, { timeline: [{ at: 10, serial: 'ready' }] }, spec);
    };
    await runScenarios([loadScenario(file)], { ...OPTIONS, reportDir }, { createMachine, write: () => {}, ci: true });
    expect(junit).toMatch(/<property name="incomplete" value="written while the run went on/);
    expect(junit).toMatch(/<error type="interrupted"/);
    expect(html).toMatch(/<b>Incomplete:<\/b>/);
  });
});
