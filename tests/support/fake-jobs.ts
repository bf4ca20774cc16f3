/** Builds jobs over a FakeMachine from inline scenario YAML, and runs them through the real engine. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMachine, type FakeScript } from '../../harness/machine/fake/fake-machine.js';
import type { BackendName, MachineFactory } from '../../harness/machine/machine.js';
import type { JobResult } from '../../harness/model/results.js';
import { runJobs, type RunJobsOptions } from '../../harness/run/run-jobs.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { planJobs } from '../../harness/run/plan-jobs.js';
import type { UpdateMode } from '../../harness/screen/golden-store.js';
import type { TempProject } from './temp-project.js';

export interface FakeRun {
  readonly results: JobResult[];
  readonly machines: FakeMachine[];
  readonly reportDir: string;
}

export async function runFake(
  project: TempProject,
  yaml: string,
  script: FakeScript | ((backend: BackendName, attempt: number) => FakeScript),
  options: Partial<RunJobsOptions> & { updateMode?: UpdateMode } = {},
): Promise<FakeRun> {
  const file = project.write('scenarios/fake.yaml', yaml);
  const jobs = planJobs([loadScenario(file)]);
  const machines: FakeMachine[] = [];
  const createMachine: MachineFactory = (backend, spec) => {
    const m = new FakeMachine(backend, typeof script === 'function' ? script(backend, machines.length + 1) : script, spec);
    machines.push(m);
    return m;
  };
  const reportDir = mkdtempSync(join(tmpdir(), 'bootgate-report-'));
  const results = await runJobs(jobs, {
    concurrency: 2,
    retries: 0,
    reportDir,
    updateMode: 'none',
    timeoutScale: 1,
    createMachine,
    ...options,
  });
  return { results, machines, reportDir };
}
