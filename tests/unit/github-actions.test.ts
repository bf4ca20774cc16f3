import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { githubAnnotations, reportToGithub } from '../../harness/report/github-actions.js';
import { renderJunit } from '../../harness/report/junit-reporter.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const OPTIONS = { updateGoldens: 'none', timeoutScale: 1, jobs: 2, retries: 0 };

describe('GitHub Actions output', () => {
  it('annotates a failure on the line of the step that failed and writes the gate table and failures to the step summary', async () => {
    project = new TempProject();
    const yaml = 'image: {cdrom: ../disk.img}\nbackends: [qemu, v86]\nphases:\n  - name: boot\n    budget: {wall: 30s}\n    steps:\n      - waitSerial: "login:"\n        timeout: 300ms\n';
    const { results } = await runFake(project, yaml, (backend) => (backend === 'v86' ? { timeline: [{ at: 5, serial: 'login: ' }] } : { timeline: [{ at: 5, serial: 'booting, 50% done, 100%\n' }] }));
    const run = buildRunResult(results, new Date(), 1000, OPTIONS);
    const annotations = githubAnnotations(run, project.dir);
    expect(annotations).toEqual([expect.stringMatching(/^::error file=scenarios\/fake\.yaml,line=7,title=fake--qemu--p3-i440fx%3A failed::WaitTimeoutError at boot step 1 /)]);
    // Newlines in the message are escaped, so the annotation is one line.
    expect(annotations[0]!.split('\n')).toHaveLength(1);

    const summary = project.path('summary.md');
    const lines: string[] = [];
    reportToGithub(run, [{ title: 'jobs', jobs: run.jobs }], (l) => lines.push(l), { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: project.dir });
    expect(lines).toEqual(annotations);
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/^## bootgate: 1 passed, 1 failed, exit code 1/);
    expect(md).toMatch(/\| scenario \| profile \| backend \| boot \| emulator \| verdict \|/);
    expect(md).toMatch(/\| fake \| p3-i440fx \| qemu \| [\d.]+ (ms|s) \/ 30.0 s ✗ \| [^|]+ \| ❌ failed \(timeout\): timed out/);
    expect(md).toMatch(/### Failures\n\n- \*\*fake--qemu--p3-i440fx\*\*: failed \(timeout\) at `scenarios\/fake\.yaml:7`/);
  });

  it('JUnit carries phase times, budgets and memory as properties', async () => {
    project = new TempProject();
    const { results } = await runFake(project, 'image: {cdrom: ../disk.img}\nphases:\n  - name: boot\n    budget: {wall: 30s}\n    steps:\n      - waitSerial: ok\n', { timeline: [{ at: 5, serial: 'ok' }], rssBytes: 50 * 1048576 });
    const xml = renderJunit(buildRunResult(results, new Date(), 1000, OPTIONS));
    expect(xml).toMatch(/<property name="wall time of boot" value="[\d.]+ (ms|s)"\/>/);
    expect(xml).toContain('<property name="wall budget of boot" value="30.0 s"/>');
    expect(xml).toContain('<property name="memory" value="128 MiB"/>');
    expect(xml).toContain('<property name="emulator peak RSS" value="50 MiB"/>');
  });
});
