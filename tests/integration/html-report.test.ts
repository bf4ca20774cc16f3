/**
 * The HTML report in a real headless Chromium (Debian's, driven by playwright-core; no browser
 * is downloaded): open index.html from the folder, filter to failures, open the failed job and
 * see its diff image load, flip between expected and actual. A synthetic report of 500 jobs
 * checks the page stays usable at that size and prints how long it took to load.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../../harness/machine/raw-image.js';
import { renderHtml, writeHtml } from '../../harness/report/html-reporter.js';
import { writeResults } from '../../harness/report/json-reporter.js';
import type { JobResult, RunResult } from '../../harness/model/results.js';
import { buildRunResult } from '../../harness/report/run-result.js';
import { writePng } from '../../harness/screen/png-file.js';
import { runFake } from '../support/fake-jobs.js';
import { launchChromium } from '../support/chromium.js';
import { TempProject } from '../support/temp-project.js';

export const SCREENSHOT = join(tmpdir(), 'bootgate-html-report.png');

function frame(rgb: [number, number, number]): RawImage {
  const data = new Uint8Array(64 * 40 * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  for (let x = 4; x < 40; x++) data.set([255, 255, 255, 255], (10 * 64 + x) * 4);
  return { width: 64, height: 40, data };
}

let project: TempProject;
let context: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
let reportDir: string;
let run: RunResult;

beforeAll(async () => {
  project = new TempProject();
  await writePng(project.path('golden-screens/fake/menu.png'), frame([0, 0, 170]));
  // QEMU shows the wrong screen (failed, with a diff); v86 the right one (passed).
  const fake = await runFake(
    project,
    'image: {cdrom: ../disk.img}\nbackends: [qemu, v86]\nstepTimeout: 2s\nsteps:\n  - waitSerial: ready\n  - waitScreen: menu\n    timeout: 600ms\n',
    (backend) => ({ timeline: [{ at: 0, frame: frame(backend === 'qemu' ? [0, 0, 0] : [0, 0, 170]) }, { at: 5, serial: 'SeaBIOS\r\nbooting\r\nready\r\n' }] }),
  );
  reportDir = fake.reportDir;
  // And a job that passes only on its second attempt, into the same report folder.
  const wobbly = await runFake(
    project,
    'name: wobbly\nimage: {cdrom: ../disk.img}\nsteps:\n  - waitSerial: ready\n    timeout: 300ms\n',
    (_backend, attempt) => ({ timeline: [{ at: 5, serial: attempt === 1 ? 'stuck\n' : 'ready\n' }] }),
    { reportDir, retries: 1 },
  );
  run = buildRunResult([...fake.results, ...wobbly.results], new Date(), 1234, { updateGoldens: 'none', timeoutScale: 1, jobs: 2, retries: 1 });
  writeResults(run, join(reportDir, 'results.json'));
  writeHtml(run, reportDir);
  ({ context, close: closeBrowser } = await launchChromium());
}, 60_000);

afterAll(async () => {
  await closeBrowser?.();
  if (reportDir) rmSync(reportDir, { recursive: true, force: true });
  project?.remove();
});

describe('the HTML report in Chromium', () => {
  it('filters to failures, opens the failed job and shows its diff, flipping between expected and actual', async () => {
    const failed = run.jobs.find((j) => j.outcome === 'failed')!;
    expect(failed.id).toBe('fake--qemu--p3-i440fx');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Offline: any request that is not a file of the report folder fails the test.
    page.on('request', (r) => (r.url().startsWith('file://') ? undefined : errors.push(`fetched ${r.url()}`)));
    await page.goto(`file://${join(reportDir, 'index.html')}`);
    await page.waitForSelector('body[data-ready]');
    expect(await page.locator('.list tbody tr').count()).toBe(3);

    await page.click('.chip[data-outcome="failed"]');
    expect(await page.locator('.list tbody tr').count()).toBe(1);
    expect(await page.locator('.matrix td.cell.o-passed').getAttribute('class')).toContain('dim');
    expect(page.url()).toContain('outcome=failed');

    await page.click(`.list tr[data-job="${failed.id}"]`);
    await page.waitForSelector('#panel:not([hidden])');
    expect(await page.locator('#panel h2').textContent()).toContain(failed.id);
    const diff = page.locator('#panel .side img[alt="diff"]');
    await diff.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#panel .side img[alt="diff"]');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    expect(await diff.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    expect(await page.locator('#panel .errbox').textContent()).toMatch(/ScreenMismatchError at main step 2/);
    // The serial line the wait matched is highlighted; the step shows where it is written.
    expect(await page.locator('#panel pre.serial .hit').first().textContent()).toBe('ready');
    expect(await page.locator('#panel').textContent()).toContain('fake.yaml:6');
    expect(await page.locator('#repro').textContent()).toMatch(/^bootgate repro \S+fake\.yaml --backend qemu --profile p3-i440fx$/);

    await page.click('#panel .modes [data-mode="flip"]');
    const flip = page.locator('#panel .flipimg');
    expect(await flip.getAttribute('src')).toBe(failed.error!.artifacts!.expected);
    await page.keyboard.press('f');
    expect(await flip.getAttribute('src')).toBe(failed.error!.artifacts!.actual);
    await page.click('#panel .modes [data-mode="side"]');
    await page.screenshot({ path: SCREENSHOT });

    // Back closes the job; the filter stays.
    await page.goBack();
    await page.waitForSelector('#panel[hidden]', { state: 'attached' });
    expect(await page.locator('.list tbody tr').count()).toBe(1);

    // The flaky job says so, and links each attempt's evidence.
    await page.click('.chip[data-outcome="failed"]');
    await page.click('.chip[data-outcome="flaky"]');
    await page.click('.list tr[data-job="wobbly--qemu--p3-i440fx"]');
    await page.waitForSelector('#panel:not([hidden])');
    expect(await page.locator('#panel .errbox').textContent()).toMatch(/^flaky: passed on attempt 2 after failed \(WaitTimeoutError\)/);
    const attempts = run.jobs.find((j) => j.outcome === 'flaky')!.attempts;
    expect(await page.locator(`#panel a[href="${attempts[0]!.artifacts!.serialLog}"]`).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a report of 500 jobs loads, filters and searches without loading any image up front', async () => {
    const jobs: JobResult[] = Array.from({ length: 500 }, (_, i) => {
      const from = run.jobs[i % 7 === 0 ? 0 : i % 11 === 0 ? 2 : 1]!;
      return { ...from, id: `s${Math.floor(i / 5)}--${from.backend}--profile${i % 5}`, profile: `profile${i % 5}`, scenario: { ...from.scenario, name: `s${Math.floor(i / 5)}` } };
    });
    const big = buildRunResult(jobs, new Date(), 1, run.options);
    writeFileSync(join(reportDir, 'big.html'), renderHtml(big, reportDir));
    const page = await context.newPage();
    const images: string[] = [];
    page.on('request', (r) => (r.resourceType() === 'image' ? images.push(r.url()) : undefined));
    const started = performance.now();
    await page.goto(`file://${join(reportDir, 'big.html')}`);
    await page.waitForSelector('body[data-ready]');
    const loadMs = performance.now() - started;
    const scriptMs = Number(await page.getAttribute('body', 'data-ready'));
    // The worst 100 first, the rest on request.
    expect(await page.locator('.list tbody tr').count()).toBe(100);
    expect(await page.locator('.list tbody tr').first().getAttribute('data-job')).toMatch(/--qemu--/);
    await page.click('#more');
    expect(await page.locator('.list tbody tr').count()).toBe(500);
    expect(await page.locator('.matrix td.cell').count()).toBe(500);
    expect(images).toEqual([]);
    await page.fill('#search', 's42--');
    expect(await page.locator('.list tbody tr').count()).toBe(5);
    process.stdout.write(`500-job report: ${(renderHtml(big, reportDir).length / 1e6).toFixed(2)} MB, loaded and drawn in ${loadMs.toFixed(0)} ms (script done ${scriptMs} ms after navigation start)\n`);
    await page.close();
  });
});
