import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FakeScript } from '../../harness/machine/fake/fake-machine.js';
import { FakeMachine } from '../../harness/machine/fake/fake-machine.js';
import type { MachineFactory } from '../../harness/machine/machine.js';
import type { Job } from '../../harness/model/job.js';
import { exitCodeFor, holdsGate } from '../../harness/model/outcome.js';
import { renderJunit } from '../../harness/report/junit-reporter.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { planJobs } from '../../harness/run/plan-jobs.js';
import { runJobs } from '../../harness/run/run-jobs.js';
import { VerdictCache } from '../../harness/run/verdict-cache.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { contentHash } from '../../harness/util/content-hash.js';
import { TempProject } from '../support/temp-project.js';

// The builds a key names, switchable so a test can change each.
const builds = vi.hoisted(() => ({ emulator: 'QEMU emulator version 7.2.22', tool: '0.1.0' }));
vi.mock('../../harness/machine/emulator-version.js', () => ({ emulatorVersion: async () => builds.emulator }));
vi.mock('../../harness/util/tool-version.js', () => ({
  get TOOL_VERSION() {
    return builds.tool;
  },
}));

let project: TempProject;
let cacheRoot: string;
let verdicts: VerdictCache;
beforeEach(() => {
  project = new TempProject();
  cacheRoot = mkdtempSync(join(tmpdir(), 'bootgate-verdicts-'));
  verdicts = new VerdictCache(join(cacheRoot, 'verdicts'));
  process.env.BOOTGATE_CACHE = cacheRoot;
});
afterEach(() => {
  project.remove();
  rmSync(cacheRoot, { recursive: true, force: true });
  delete process.env.BOOTGATE_CACHE;
});

const BASE = (marker = 'login:') => `image: {cdrom: ../disk.img}
stepTimeout: 2s
phases:
  - name: boot
    steps:
      - waitSerial: "${marker}"
        snapshot: up
`;
const CHILD = (timeout = '2s') => `from: {scenario: base.yaml, snapshot: up}
stepTimeout: ${timeout}
phases:
  - name: check
    steps:
      - sendSerial: "uname\\n"
      - waitSerial: "Linux"
`;
const passing: FakeScript = { timeline: [{ at: 5, serial: 'login: ' }], onSerialIn: (t, m) => m.apply({ serial: t === 'uname\n' ? 'Linux\n' : '' }) };

/** Runs the child scenario's one job with the cache; `edit` changes the job before it runs. */
async function runChild(options: { script?: FakeScript | ((attempt: number) => FakeScript); retries?: number; edit?: (job: Job) => Job } = {}) {
  const jobs = planJobs([loadScenario(project.path('scenarios/child.yaml'))]).map(options.edit ?? ((j) => j));
  let booted = 0;
  const createMachine: MachineFactory = (backend, spec) => {
    booted++;
    const s = options.script ?? passing;
    return new FakeMachine(backend, typeof s === 'function' ? s(booted) : s, spec);
  };
  const reportDir = mkdtempSync(join(tmpdir(), 'bootgate-report-'));
  const results = await runJobs(jobs, { concurrency: 1, retries: options.retries ?? 0, reportDir, updateMode: 'none', timeoutScale: 1, createMachine, verdicts });
  rmSync(reportDir, { recursive: true, force: true });
  return { result: results[0]!, booted };
}

describe('verdicts cached by their inputs', () => {
  it('reports an unchanged passed job as cached, with its run date and verdict, and runs it again when any input changes', async () => {
    project.write('scenarios/base.yaml', BASE());
    project.write('scenarios/child.yaml', CHILD());
    project.write('golden-screens/child/desktop.png', 'png one');

    const first = await runChild();
    expect(first.result.outcome).toBe('passed');
    expect(first.booted).toBe(1);

    const again = await runChild();
    expect(again.booted).toBe(0);
    expect(again.result.outcome).toBe('cached');
    expect(again.result.cached).toMatchObject({ verdict: 'passed', startedAt: first.result.startedAt, durationMs: first.result.durationMs });
    expect(again.result.durationMs).toBe(0);

    /** Each change must make the job boot again; the run after it is cached once more. */
    const reruns = async (what: string, change: () => void, edit?: (job: Job) => Job) => {
      change();
      const changed = await runChild(edit ? { edit } : {});
      expect([what, changed.result.outcome, changed.booted]).toEqual([what, 'passed', 1]);
      expect([what, (await runChild(edit ? { edit } : {})).result.outcome]).toEqual([what, 'cached']);
    };
    await reruns('image bytes', () => project.write('disk.img', 'another disk image'));
    await reruns('the scenario', () => project.write('scenarios/child.yaml', CHILD('3s')));
    await reruns('the scenario it starts from', () => project.write('scenarios/base.yaml', BASE('login: ')));
    await reruns('a golden', () => project.write('golden-screens/child/desktop.png', 'png two'));
    await reruns('a sidecar', () => project.write('golden-screens/child/desktop.regions.yaml', 'areas: []\n'));
    await reruns('the profile', () => undefined, (j) => ({ ...j, profile: { ...j.profile, memoryMiB: j.profile.memoryMiB + 16 } }));
    let backend = 0;
    await reruns('the backend', () => backend++, (j) => (backend ? { ...j, backend: 'v86' } : j));
    await reruns("bootgate's version", () => (builds.tool = '0.2.0'));
    await reruns("the emulator's version", () => (builds.emulator = 'QEMU emulator version 8.2.2'));
  });

  it('never reuses a failed, flaky or infra-error verdict', async () => {
    project.write('scenarios/base.yaml', BASE());
    project.write('scenarios/child.yaml', CHILD('300ms'));
    const silent: FakeScript = { timeline: [{ at: 5, serial: 'login: ' }] };
    for (let i = 0; i < 2; i++) expect((await runChild({ script: silent })).result.outcome).toBe('failed');
    expect((await runChild({ script: silent })).booted).toBe(1);

    const flakyScript = (attempt: number) => (attempt === 1 ? silent : passing);
    expect((await runChild({ script: flakyScript, retries: 1 })).result.outcome).toBe('flaky');
    const afterFlaky = await runChild({ script: flakyScript, retries: 1 });
    expect(afterFlaky.result.outcome).toBe('flaky');

    const broken: FakeScript = { startError: new Error('emulator died') };
    expect((await runChild({ script: broken })).result.outcome).toBe('infra-error');
    expect((await runChild({ script: broken })).result.outcome).toBe('infra-error');
  });

  it('is a distinct outcome in the summary, the exit code and JUnit: it holds the gate, and says it did not run now', async () => {
    project.write('scenarios/base.yaml', BASE());
    project.write('scenarios/child.yaml', CHILD());
    await runChild();
    const { result } = await runChild();
    const run = buildRunResult([result], new Date(), 0, { updateGoldens: 'none', timeoutScale: 1, jobs: 1, retries: 0 });
    expect(run.summary.counts).toMatchObject({ cached: 1, passed: 0 });
    expect(holdsGate('cached')).toBe(true);
    expect(exitCodeFor(['cached'])).toBe(0);
    const junit = renderJunit(run);
    expect(junit).toMatch(/skipped="1"/);
    expect(junit).toMatch(/<skipped message="cached: passed on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC in [^"]+, inputs unchanged"\/>/);
  });
});

describe('content hashes remembered across runs', () => {
  it('hashes a file once, and again after any write, even one that keeps its size and mtime', async () => {
    const file = project.write('image.iso', 'aaaa');
    const root = join(cacheRoot, 'hashes');
    const first = await contentHash(file, root);
    expect(first).toBe('61be55a8e2f6b4e172338bddf184d6dbee29c98853e0a0485ecee7f27b9af0b4');
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'bbbb');
    utimesSync(file, atime, mtime);
    expect(await contentHash(file, root)).toBe('81cc5b17018674b401b42f35ba07bb79e211239c23bffe658da1577e3e646877');
    expect(readFileSync(file, 'utf8')).toBe('bbbb');
  });
});
