/**
 * bootgate as a user gets it: the packed tarball installed into a fresh project outside this
 * repository, set up by following the README's "Using bootgate in your own repository and CI"
 * section line by line (its code blocks are read from the README, so the two cannot drift), then
 * run through `npx bootgate` and the typed API, which must agree. Needs `npm run build` first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SECTION = '## Using bootgate in your own repository and CI';
const work = mkdtempSync(join(tmpdir(), 'bootgate-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The section's fenced blocks, in order. */
function readmeBlocks(): { lang: string; text: string }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  expect(start).toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + SECTION.length));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}

// A user's shell: no CI or GitHub variables of ours leak into the commands.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'CI' && k !== 'GITHUB_ACTIONS' && k !== 'GITHUB_STEP_SUMMARY' && !k.startsWith('npm_') && !k.startsWith('VITEST')));

function sh(command: string, cwd: string): { code: number | null; out: string } {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', command], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('the npm package in a fresh project', () => {
  it('installs from its tarball and runs the README setup through npx and the typed API', { timeout: 400_000 }, () => {
    // The build is the test run's precondition, so packing does not build again (prepack would).
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    const project = join(work, 'my-os');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "my-os", "private": true, "type": "module" }\n');
    renameSync(join(work, tarball), join(project, tarball));

    const blocks = readmeBlocks();
    const commands: string[] = [];
    for (const block of blocks) {
      const [first, ...rest] = block.text.split('\n');
      if (block.lang === 'sh') {
        commands.push(...block.text.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean));
      } else {
        // A file: its first line names it (`# scenarios/grub.yaml`, `// check.mjs`).
        const file = join(project, first!.replace(/^(#|\/\/)\s*/, ''));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, block.lang === 'yaml' ? block.text : rest.join('\n'));
      }
    }
    expect(commands[0]).toMatch(/^apt-get install .*qemu-system-x86.*seabios/);
    expect(commands[1]).toBe(`npm i -D ./${tarball}`);

    const outputs: Record<string, string> = {};
    for (const command of commands.slice(1)) {
      // This host has the Debian packages already; npm installs the tarball's dependencies from its cache where it can.
      const run = command.startsWith('npm i ') ? `${command} --prefer-offline --no-audit --no-fund` : command;
      const { code, out } = sh(run, project);
      expect(code, `${command}:\n${out}`).toBe(0);
      outputs[command] = out;
    }
    expect(outputs['npx bootgate doctor']).toMatch(/all set/);
    const installed = join(project, 'node_modules/bootgate');
    expect(readFileSync(join(installed, 'package.json'), 'utf8')).toContain('"name": "bootgate"');

    // The first run recorded the golden in the project, never inside the installed package.
    const golden = readdirSync(join(project, 'golden-screens'), { recursive: true }).map(String).filter((f) => f.endsWith('.png'));
    expect(golden.length, 'goldens written into golden-screens/').toBeGreaterThan(0);
    expect(existsSync(join(installed, 'golden-screens'))).toBe(false);
    const cli = JSON.parse(readFileSync(join(project, 'bootgate-report/results.json'), 'utf8')) as { jobs: { id: string; outcome: string }[] };
    expect(cli.jobs.map((j) => [j.id, j.outcome])).toEqual([['grub--qemu--p3-i440fx', 'passed']]);

    // The typed API gives the same jobs and outcomes as the command line.
    const api = sh('node check.mjs', project);
    expect(api.code, api.out).toBe(0);
    expect(api.out).toContain('grub--qemu--p3-i440fx passed');
    const apiResults = JSON.parse(readFileSync(join(project, 'api-report/results.json'), 'utf8')) as typeof cli;
    expect(apiResults.jobs.map((j) => [j.id, j.outcome])).toEqual(cli.jobs.map((j) => [j.id, j.outcome]));

    // Its types resolve from the package: a wrong field is a compile error, the right ones are not.
    writeFileSync(join(project, 'typed.ts'), "import { run, loadScenario, type Outcome, type RunResult } from 'bootgate';\nconst s = loadScenario('scenarios/grub.yaml');\nconst r: { run: RunResult; exitCode: number } = await run([s], { jobs: 1, ci: true });\nconst o: Outcome = r.run.jobs[0]!.outcome;\nexport { o };\n");
    writeFileSync(join(project, 'wrong.ts'), "import { run } from 'bootgate';\nawait run(['scenarios'], { jobs: 'two' });\n");
    const tsc = (file: string) => sh(`node ${join(ROOT, 'node_modules/typescript/bin/tsc')} --noEmit --strict --skipLibCheck --target es2022 --module nodenext --moduleResolution nodenext ${file}`, project);
    const typed = tsc('typed.ts');
    expect(typed.code, typed.out).toBe(0);
    const wrong = tsc('wrong.ts');
    expect(wrong.out).toMatch(/wrong\.ts\(2,.*'string' is not assignable to type 'number'/);

    // The bundled profiles are there beside the project's own.
    const profiles = sh('npx bootgate profiles', project);
    expect(profiles.out).toMatch(/p3-i440fx/);
  });
});
