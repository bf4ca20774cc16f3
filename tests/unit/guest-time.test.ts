import { afterEach, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../harness/errors.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const HEAD = 'image: {cdrom: ../disk.img}\nstepTimeout: 2s\n';
const SCENARIO = `${HEAD}phases:
  - name: boot
    budget: {guest: 2ms}
    steps:
      - waitSerial: "login:"
  - name: shell
    budget: {instructions: 300}
    steps:
      - sendSerial: "uname\\n"
      - waitSerial: "Linux"
      - waitText: "# "
`;

/** The guest prints its prompt at 400 000 instructions, then idles on while bootgate decides (`idleRun`), then answers 200 later. */
function script(bootAt: number, idleRun: number) {
  return {
    timeline: [{ at: bootAt, serial: 'login: ', instructions: 400_000 }],
    onSerialIn: (_text: string, m: import('../../harness/machine/fake/fake-machine.js').FakeMachine) => {
      m.instructions = 400_000 + idleRun; // the guest took the input only now
      m.guestClock.recordInput(m.instructions);
      setTimeout(() => m.apply({ serial: 'Linux\n', instructions: 400_000 + idleRun + 200, text: ['# '] }), 20);
    },
  };
}

describe('guest time', () => {
  it('counts each phase up to its matches, leaving out what the guest ran while waiting for input', async () => {
    project = new TempProject();
    const { results } = await runFake(project, SCENARIO, script(30, 9_000_000));
    const job = results[0]!;
    expect(job.outcome).toBe('passed');
    const [boot, shell] = job.phases;
    expect(boot!.guest).toEqual({ instructions: 400_000, ms: 1.6, exact: true });
    // 200 from the input to "Linux", then the screen match counts nothing more (it was drawn with it).
    expect(shell!.guest).toEqual({ instructions: 200, ms: 0.0008, exact: false });
    expect(shell!.guestBudget).toEqual({ instructions: 300 });
  });

  it('gives the same figures and verdicts however long the host takes', async () => {
    project = new TempProject();
    const quick = await runFake(project, SCENARIO, script(10, 1_000));
    const slow = await runFake(project, SCENARIO, script(400, 50_000_000));
    expect(slow.results[0]!.durationMs).toBeGreaterThan(quick.results[0]!.durationMs);
    expect(slow.results[0]!.phases.map((p) => p.guest)).toEqual(quick.results[0]!.phases.map((p) => p.guest));
    expect(slow.results[0]!.outcome).toBe(quick.results[0]!.outcome);
  });

  it('fails the job when a phase runs over its guest-time budget, naming the clock', async () => {
    project = new TempProject();
    const { results } = await runFake(project, SCENARIO.replace('{guest: 2ms}', '{guest: 1ms}'), script(30, 0));
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.type).toBe('BudgetExceededError');
    expect(results[0]!.error!.message).toBe('phase boot took 0.002 s of guest time, over its guest-time budget of 0.0 s');
    expect(results[0]!.phases.map((p) => p.outcome)).toEqual(['failed', 'passed']);
  });

  it('counts an instruction budget in instructions', async () => {
    project = new TempProject();
    const { results } = await runFake(project, SCENARIO.replace('{instructions: 300}', '{instructions: 199}'), script(30, 0));
    expect(results[0]!.error!.message).toBe('phase shell ran 200 guest instructions, over its budget of 199');
  });

  it('is infra, not a pass, when a budgeted phase cannot be measured', async () => {
    project = new TempProject();
    const { results } = await runFake(project, `${HEAD}phases:\n  - name: boot\n    budget: {guest: 1s}\n    steps:\n      - waitSerial: "ok"\n`, {
      timeline: [{ at: 10, serial: 'ok', instructions: 10 }],
      uncountedSerial: true,
    });
    expect(results[0]!.outcome).toBe('infra-error');
    expect(results[0]!.error).toMatchObject({ type: 'GuestClockError', message: expect.stringMatching(/^phase boot has a guest-time budget but its guest time could not be measured: 1 serial bytes were never counted/) });
    expect(results[0]!.phases[0]!.guest).toBeUndefined();
  });
});

describe('guest budgets in scenario files', () => {
  it('read a plain duration as wall time and an object as wall, guest or instructions', () => {
    project = new TempProject();
    const file = project.write('scenarios/b.yaml', `${HEAD}phases:\n  - name: a\n    budget: 20s\n    steps: [{waitSerial: x}]\n  - name: b\n    budget: {wall: 1m, guest: 15s, instructions: 5000000000}\n    steps: [{waitSerial: y}]\n`);
    const s = loadScenario(file);
    expect(s.phases.map((p) => [p.budgetMs, p.guestBudget])).toEqual([
      [20_000, undefined],
      [60_000, { ms: 15_000, instructions: 5_000_000_000 }],
    ]);
    expect(s.guestClock).toBe(true);
  });

  it('refuse a guest budget on a phase with nothing to measure to, naming the line', () => {
    project = new TempProject();
    const file = project.write('scenarios/b.yaml', `${HEAD}phases:\n  - name: a\n    budget: {guest: 5s}\n    steps:\n      - type: "x"\n`);
    expect(() => loadScenario(file)).toThrow(ScenarioError);
    expect(() => loadScenario(file)).toThrow(/b\.yaml:5:13: phases\.0\.budget: a guest-time budget is measured up to the waits of its phase/);
  });

  it('refuse an empty budget object', () => {
    project = new TempProject();
    const file = project.write('scenarios/b.yaml', `${HEAD}phases:\n  - name: a\n    budget: {}\n    steps: [{waitSerial: x}]\n`);
    expect(() => loadScenario(file)).toThrow(/a budget needs wall, guest or instructions/);
  });
});
