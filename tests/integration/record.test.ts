/**
 * `bootgate record` in a real headless Chromium (Debian's, through playwright-core): a person's
 * use of the page becomes a scenario that `bootgate run` replays green. On the GRUB rescue CD
 * (text mode: keys on the page's screen, waitText from what the screen shows) it replays on QEMU
 * and v86; the page refuses every request without the printed token. The mini-desktop-setup
 * wizard (graphical: clicks on the page's screen become region goldens, and with the page's
 * "click by its words" ticked, a click by the label OCR reads there) starts from a snapshot
 * point at the wizard's first page, so only the first run pays for the install.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { launchChromium } from '../support/chromium.js';
import { runCli, startCli, type LiveCli } from '../support/run-cli.js';
import { TempProject } from '../support/temp-project.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
export const RECORD_SCREENSHOT = join(tmpdir(), 'bootgate-record.png');

let context: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ context, close: closeBrowser } = await launchChromium());
}, 60_000);

afterAll(() => closeBrowser?.());

/** Starts `bootgate record` and waits for the address it prints. */
async function startRecord(args: readonly string[]): Promise<{ cli: LiveCli; url: string }> {
  const cli = startCli(['record', ...args], { timeoutMs: 540_000 });
  for (;;) {
    const m = /record in your browser .*: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(cli.stdout());
    if (m) return { cli, url: m[1]! };
    if (cli.child.exitCode !== null) throw new Error(`record ended early:\n${cli.stdout()}\n${cli.stderr()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Opens the page; any request to another origin fails the test. */
async function openPage(url: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  const origin = new URL(url).origin;
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => (r.url().startsWith(origin) ? undefined : errors.push(`fetched ${r.url()}`)));
  await page.goto(url);
  await page.waitForFunction(() => Number((document.querySelector('#screen') as HTMLCanvasElement | null)?.dataset.frame) > 0);
  return page;
}

/** Clicks a page button and waits for the recorder's answer to it. */
async function pressButton(page: Page, id: string, answer: RegExp): Promise<string> {
  await page.click(`#${id}`);
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('#message')?.textContent ?? ''), answer.source, { timeout: 60_000 });
  return (await page.textContent('#message'))!;
}

describe('bootgate record on the GRUB rescue CD', () => {
  let project: TempProject;
  let cli: LiveCli;
  let url: string;
  const errors: string[] = [];

  beforeAll(async () => {
    project = new TempProject();
    project.write('package.json', '{}');
    ({ cli, url } = await startRecord([GRUB_CD, '--backend', 'qemu', '--profile', 'p3-i440fx', '--out', project.path('grub.yaml')]));
  }, 120_000);

  afterAll(async () => {
    if (cli && cli.child.exitCode === null) cli.child.kill('SIGINT');
    await cli?.exited.catch(() => undefined);
    project?.remove();
  });

  it('refuses every request without the token, or with another', async () => {
    const good = new URL(url);
    const token = good.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(20);
    const base = good.origin;
    const refused = [
      await fetch(`${base}/`),
      await fetch(`${base}/?token=${token.slice(0, -1)}x`),
      await fetch(`${base}/frame`),
      await fetch(`${base}/state?token=`),
      await fetch(`${base}/action`, { method: 'POST', body: JSON.stringify({ kind: 'quit' }) }),
      await fetch(`${base}/action?token=${token.toUpperCase()}`, { method: 'POST', body: JSON.stringify({ kind: 'quit' }) }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    // The same requests with the token are served: the refusals were the token's doing.
    expect((await fetch(`${base}/state?token=${token}`)).status).toBe(200);
    expect((await fetch(`${base}/frame`, { headers: { 'x-bootgate-token': token } })).headers.get('content-type')).toBe('image/png');
    expect(cli.child.exitCode).toBeNull(); // the refused quit did not end it
  });

  it('records the menu, `c` and `ls` from keys on the page; the scenario replays on QEMU and v86', async () => {
    const page = await openPage(url, errors);
    const textScreen = (re: RegExp) => page.waitForFunction((source) => new RegExp(source).test(document.querySelector('#textscreen')?.textContent ?? ''), re.source, { timeout: 60_000 });
    await textScreen(/GNU GRUB/);
    await page.focus('#wrap');
    await page.keyboard.press('c');
    await page.waitForFunction(() => /type "c"/.test(document.querySelector('#message')?.textContent ?? ''));
    await textScreen(/grub>/);
    await page.waitForTimeout(1200); // a person reads the prompt before typing: the next keys are a run of their own
    await page.keyboard.type('ls');
    await page.keyboard.press('Enter');
    await textScreen(/\((cd|hd|fd)\d/);
    // Text selected in the page's text-screen pane becomes a waitText of it.
    await page.evaluate(() => {
      const pane = document.querySelector('#textscreen')!.firstChild!;
      const at = pane.textContent!.indexOf('Minimal BASH-like');
      const range = document.createRange();
      range.setStart(pane, at);
      range.setEnd(pane, at + 'Minimal BASH-like'.length);
      window.getSelection()!.removeAllRanges();
      window.getSelection()!.addRange(range);
    });
    await pressButton(page, 'wait-text', /waitText "Minimal BASH-like"/);
    const saved = await pressButton(page, 'save', /saved/);
    expect(saved).toContain('bootgate run');
    await page.screenshot({ path: RECORD_SCREENSHOT });
    await pressButton(page, 'quit', /stopping/);
    const end = await cli.exited;
    expect(end.code, end.stdout + end.stderr).toBe(0);
    expect(errors).toEqual([]);

    const yaml = readFileSync(project.path('grub.yaml'), 'utf8');
    const steps = (parse(yaml) as { steps: Record<string, unknown>[] }).steps;
    // The menu's title, the key, the prompt it brought, the command, what the command printed, and the text selected.
    expect(steps.map((s) => Object.keys(s)[0])).toEqual(['waitText', 'press', 'waitText', 'type', 'waitText', 'waitText']);
    expect(steps[0]!.waitText).toMatch(/^GNU GRUB/);
    expect(steps.slice(1, 4)).toEqual([{ press: 'c' }, { waitText: 'grub>' }, { type: 'ls\n' }]);
    expect(steps[4]!.waitText).toMatch(/\((cd|hd|fd)\d?/);
    expect(steps[5]).toEqual({ waitText: 'Minimal BASH-like' });
    for (const backend of ['qemu', 'v86']) {
      const reportDir = project.path(`report-${backend}`);
      const run = await runCli(['run', project.path('grub.yaml'), '--backend', backend, '--report-dir', reportDir]);
      expect(run.code, `${backend}:\n${yaml}\n${run.stdout}${run.stderr}`).toBe(0);
    }
  });
});


describe('bootgate record on the mini-desktop-setup wizard', () => {
  let project: TempProject;

  beforeAll(() => {
    project = new TempProject();
    project.write('package.json', '{}');
    // The install and first boot, up to the wizard's first page, once: a snapshot point.
    project.write(
      'base.yaml',
      [
        'image:',
        '  cdrom: {preset: mini-desktop-setup}',
        '  disk: {blank: 128MiB}',
        'bootOrder: [disk, cdrom]',
        'profile: p3-i440fx',
        'memory: 320',
        'timeout: 10m',
        'steps:',
        '  - waitSerial: "bootgate-setup: rebooting"',
        '    timeout: 225s',
        '  - waitSerial: "bootgate-wizard: page 1 shown"',
        '    timeout: 225s',
        '    snapshot: wizard',
        '',
      ].join('\n'),
    );
    project.write('wizard.yaml', 'from: {scenario: base.yaml, snapshot: wizard}\nsteps:\n  - waitStill: 1s\n');
  });

  afterAll(() => (process.env.KEEP ? undefined : project?.remove()));

  it('records three clicks through the wizard and the Start menu (by its words) by clicking on the page; the scenario replays on QEMU', async () => {
    const { cli, url } = await startRecord([project.path('wizard.yaml'), '--backend', 'qemu']);
    const errors: string[] = [];
    try {
      const page = await openPage(url, errors);
      const started = performance.now();
      const serial = (text: string) => page.waitForFunction((t) => (document.querySelector('#serial')?.textContent ?? '').includes(t), text, { timeout: 60_000 });
      // Where a person sees a page of the wizard (and the serial console says it is shown), they click its button.
      // Its answer is the page's next message that matches (the last click's is still shown until this one's request goes).
      const clickScreen = async (x: number, y: number, answer: RegExp): Promise<string> => {
        const box = (await page.locator('#screen').boundingBox())!;
        const size = await page.locator('#screen').evaluate((c: HTMLCanvasElement) => ({ w: c.width, h: c.height }));
        const prior = await page.textContent('#message');
        await page.mouse.click(box.x + ((x + 0.5) * box.width) / size.w, box.y + ((y + 0.5) * box.height) / size.h);
        await page.waitForFunction(
          ([source, last]) => {
            const text = document.querySelector('#message')?.textContent ?? '';
            return text !== last && new RegExp(source!).test(text);
          },
          [answer.source, prior] as const,
          { timeout: 60_000 },
        );
        return (await page.textContent('#message'))!;
      };
      // A box dragged over the page's title (Shift held: a box, not a drag on the guest) becomes a waitScreen of it,
      // in a window too short for the whole screen: the press focuses the screen, which must not scroll the page
      // under the pointer (the first press of a session then landed as far off as the page scrolled).
      const viewport = page.viewportSize()!;
      const wrap = (await page.locator('#wrap').boundingBox())!;
      await page.setViewportSize({ width: viewport.width, height: Math.floor(wrap.y + wrap.height) - 40 });
      const box = (await page.locator('#screen').boundingBox())!;
      await page.keyboard.down('Shift');
      await page.mouse.move(box.x + 390, box.y + 200);
      await page.mouse.down();
      await page.mouse.move(box.x + 420, box.y + 215);
      await page.mouse.move(box.x + 452, box.y + 227);
      await page.mouse.up();
      await page.keyboard.up('Shift');
      await page.waitForFunction(() => /waitScreen screen-1/.test(document.querySelector('#message')?.textContent ?? ''), undefined, { timeout: 60_000 });
      expect(await page.textContent('#message')).toBe('waitScreen screen-1 (63×28 at 390,200)');
      await page.setViewportSize(viewport);
      await clickScreen(222, 347, /click click-2/); // page 1: Next
      await serial('bootgate-wizard: page 2 shown');
      await clickScreen(258, 347, /click click-3/); // page 2: Next (Back is left of it)
      await serial('bootgate-wizard: page 3 shown');
      await clickScreen(225, 347, /click click-4/); // page 3: Finish
      await serial('bootgate-desktop-setup: desktop ready');
      // The Start button by its words: OCR reads the taskbar's "Start" (the wizard's oval Next and
      // Finish it does not read yet), so with the toggle ticked the click is written as click: {text}.
      await page.check('#by-text');
      expect(await clickScreen(18, 586, /^click /)).toBe('click "Start"');
      // The page's YAML shows it as it will be saved (polled twice a second).
      await page.waitForFunction(() => /- click:\n\s+text: Start\n/.test(document.querySelector('#yaml')?.textContent ?? ''), undefined, { timeout: 5_000 });
      await page.waitForTimeout(1000); // the menu opens; a person sees it before saving
      const saved = await pressButton(page, 'save', /saved/);
      const recordedMs = performance.now() - started;
      await page.screenshot({ path: RECORD_SCREENSHOT.replace('.png', '-wizard.png') });
      await pressButton(page, 'quit', /stopping/);
      const end = await cli.exited;
      expect(end.code, end.stdout + end.stderr).toBe(0);
      expect(errors).toEqual([]);
      console.log(`recorded the wizard in ${(recordedMs / 1000).toFixed(1)} s of driving the page; ${saved}`);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGINT');
      await cli.exited.catch(() => undefined);
    }
    const yaml = readFileSync(project.path('wizard.yaml'), 'utf8');
    const phases = (parse(yaml) as { phases: { name: string; steps: Record<string, unknown>[] }[] }).phases;
    expect(phases.map((p) => p.name)).toEqual(['main', 'recorded']);
    const steps = phases[1]!.steps;
    expect(steps).toEqual([{ waitScreen: 'screen-1' }, { click: 'click-2' }, { click: 'click-3' }, { click: 'click-4' }, { click: { text: 'Start' } }, { waitScreen: 'screen-5' }]);
    const run = await runCli(['run', project.path('wizard.yaml'), '--backend', 'qemu', '--report-dir', project.path('report')]);
    expect(run.code, `${yaml}\n${run.stdout}${run.stderr}`).toBe(0);
  }, 540_000);
});
