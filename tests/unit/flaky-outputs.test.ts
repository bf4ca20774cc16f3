import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleReporter } from '../../harness/report/console-reporter.js';
import { githubAnnotations, reportToGithub } from '../../harness/report/github-actions.js';
import { renderJunit } from '../../harness/report/junit-reporter.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const OPTIONS = { updateGoldens: 'none', timeoutScale: 1, jobs: 2, retries: 0 };

describe('a flaky job', () => {
  it('is flaky in every output, and each attempt keeps its own evidence', async () => {
    project = new TempProject();
    const { results, reportDir } = await runFake(
      project,
      'image: {cdrom: ../disk.img}\nsteps:\n  - waitSerial: ready\n    timeout: 300ms\n',
      (_backend, attempt) => (attempt === 1 ? { timeline: [{ at: 5, serial: 'first try\n' }] } : { timeline: [{ at: 5, serial: 'ready\n' }] }),
      { retries: 1 },
    );
    const run = buildRunResult(results, new Date(), 1000, { ...OPTIONS, retries: 1 });
    const [job] = run.jobs;
    expect(job!.outcome).toBe('flaky');
    const [first, second] = job!.attempts;
    expect(first!.artifacts!.serialLog).not.toBe(second!.artifacts!.serialLog);
    expect(readFileSync(join(reportDir, first!.artifacts!.serialLog!), 'utf8')).toBe('first try\n');
    expect(readFileSync(join(reportDir, second!.artifacts!.serialLog!), 'utf8')).toBe('ready\n');
    expect(run.summary.counts.flaky).toBe(1);
    expect(run.summary.exitCode).toBe(0);

    const printed: string[] = [];
    new ConsoleReporter(1, (l) => printed.push(l)).jobEnded(job!);
    expect(printed).toEqual([expect.stringMatching(/^FLAKY  \[1\/1\] fake--qemu--p3-i440fx /), `         attempt 1 failed: WaitTimeoutError: timed out after 0.3 s waiting for serial text ready; last seen: first try (evidence: jobs/fake--qemu--p3-i440fx/)`]);
    const xml = renderJunit(run);
    expect(xml).toContain('<property name="flaky" value="passed on attempt 2"/>');
    expect(xml).toContain(`<property name="attempt 1" value="failed: WaitTimeoutError`);
    expect(xml).toContain(first!.artifacts!.serialLog!);
    expect(githubAnnotations(run, project.dir)).toEqual([expect.stringMatching(/^::warning file=scenarios\/fake\.yaml,line=3,title=fake--qemu--p3-i440fx%3A flaky::fake--qemu--p3-i440fx is flaky: passed on attempt 2 after failed \(WaitTimeoutError/)]);
    const summary = project.path('summary.md');
    reportToGithub(run, [{ title: 'jobs', jobs: run.jobs }], () => undefined, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(readFileSync(summary, 'utf8')).toMatch(new RegExp(`### Flaky\\n\\n- \\*\\*fake--qemu--p3-i440fx\\*\\*: passed on attempt 2; attempt 1 failed \\(WaitTimeoutError\\), \`${first!.artifacts!.serialLog!}\``));
  });
});
