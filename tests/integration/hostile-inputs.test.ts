/**
 * Goldens, sidecars and scenarios that claim or expand to huge sizes. Each is refused as a config
 * error naming its file (exit 2), and the CLI's peak RSS, as its own kernel accounting reports it
 * (process.resourceUsage().maxRSS, written as it exits by a preloaded module), stays under
 * 300 MB. Before the checks, the PNG took bootgate to 3.1 GB and the bracket run aborted node.
 * Goldens are read when their step runs, so those cases boot GRUB's rescue CD to its menu (~2 s).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_PNG_BYTES } from '../../harness/screen/png-file.js';
import { aliasBomb, deepFlow, pngDeclaring } from '../support/hostile-inputs.js';
import { readJobs, runCli } from '../support/run-cli.js';
import { TempProject } from '../support/temp-project.js';
import { tempDirForAll } from '../support/temp-dir.js';

const GRUB_CD = '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const MB = 1e6;
const RSS_LIMIT = 300 * MB;
const work = tempDirForAll('bootgate-hostile-inputs-');
const preload = join(work, 'max-rss-on-exit.mjs');
writeFileSync(preload, "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.BOOTGATE_TEST_RSS_FILE, String(process.resourceUsage().maxRSS * 1024)));\n");

/** `bootgate run`, with its peak RSS in bytes as it measured itself. */
async function runMeasured(project: TempProject, scenario: string): Promise<{ code: number | null; output: string; maxRss: number; report: string }> {
  const rssFile = project.path('max-rss');
  const report = project.path('report');
  const run = await runCli(['run', scenario, '--report-dir', report], { env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}`, BOOTGATE_TEST_RSS_FILE: rssFile }, timeoutMs: 120_000 });
  expect(existsSync(rssFile), `bootgate ended without exiting (${run.signal ?? run.code}): ${run.stderr}`).toBe(true);
  return { code: run.code, output: run.stdout + run.stderr, maxRss: Number(readFileSync(rssFile, 'utf8')), report };
}

/** A GRUB boot whose one step compares the menu against `golden-screens/<name>/menu.png`. */
function grubProject(name: string, golden: Record<string, Uint8Array | string>): { project: TempProject; scenario: string } {
  const project = new TempProject();
  const scenario = project.write(`${name}.yaml`, [`image: {cdrom: ${GRUB_CD}}`, 'profile: p3-i440fx', 'timeout: 60s', 'steps:', '  - waitText: "GNU GRUB"', '  - waitScreen: menu', ''].join('\n'));
  for (const [file, content] of Object.entries(golden)) project.write(`golden-screens/${name}/${file}`, content);
  return { project, scenario };
}

const figures: string[] = [];

describe('hostile goldens, sidecars and scenarios', () => {
  const cases: { what: string; make: () => { project: TempProject; scenario: string }; file: RegExp; error: RegExp; boots: boolean }[] = [
    {
      what: 'a 40000×40000 golden PNG (a few KB on disk)',
      make: () => grubProject('huge-png', { 'menu.png': pngDeclaring(40_000, 40_000, 1) }),
      file: /menu\.png/,
      error: /not a readable PNG \(it declares 40000×40000 pixels/,
      boots: true,
    },
    {
      what: 'a golden PNG over the byte cap',
      make: () => grubProject('big-png', { 'menu.png': Buffer.concat([pngDeclaring(720, 400, 400), Buffer.alloc(MAX_PNG_BYTES)]) }),
      file: /menu\.png/,
      error: /bytes, over the 33554432-byte limit for a golden/,
      boots: true,
    },
    {
      what: 'a region sidecar with an alias bomb',
      make: () => grubProject('bomb-sidecar', { 'menu.png': pngDeclaring(720, 400, 400), 'menu.regions.yaml': aliasBomb() }),
      file: /menu\.regions\.yaml:2:\d+/,
      error: /YAML aliases expand past 100 copies/,
      boots: true,
    },
    {
      what: 'a scenario with an alias bomb',
      make: () => {
        const project = new TempProject();
        return { project, scenario: project.write('bomb.yaml', `image: {cdrom: disk.img}\nsteps: [{waitText: x}]\n${aliasBomb()}`) };
      },
      file: /bomb\.yaml:4:\d+/,
      error: /YAML aliases expand past 100 copies/,
      boots: false,
    },
    {
      what: 'a scenario nested 500000 brackets deep (1 MB)',
      make: () => {
        const project = new TempProject();
        return { project, scenario: project.write('deep.yaml', deepFlow(500_000)) };
      },
      file: /deep\.yaml:2:\d+/,
      error: /nested more than 64 levels deep/,
      boots: false,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.what} as a config error naming the file, under ${RSS_LIMIT / MB} MB of RSS`, async () => {
      const { project, scenario } = c.make();
      try {
        const run = await runMeasured(project, scenario);
        figures.push(`${c.what}: exit ${run.code}, peak RSS ${(run.maxRss / MB).toFixed(0)} MB`);
        console.log(figures.at(-1));
        expect(run.code, run.output).toBe(2);
        expect(run.output).not.toMatch(/internal error|\n\s+at /);
        const message = c.boots ? readJobs(run.report)[0]?.error?.message ?? '' : run.output;
        if (c.boots) expect(readJobs(run.report)[0]?.outcome).toBe('config-error');
        expect(message).toMatch(c.file);
        expect(message).toMatch(c.error);
        expect(run.maxRss).toBeGreaterThan(20 * MB); // a real figure, not a missing one
        expect(run.maxRss).toBeLessThan(RSS_LIMIT);
      } finally {
        project.remove();
      }
    }, 120_000);
  }
});
