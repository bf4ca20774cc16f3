import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../harness/cli/main.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => {
  project?.remove();
  vi.restoreAllMocks();
});

/** Runs the CLI in-process and returns its exit code and what it wrote to stderr. */
async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const code = await main(args);
  return { code, stderr };
}

describe('bootgate CLI on bad input', () => {
  it('a missing scenario path is exit 2 with one line', async () => {
    const { code, stderr } = await cli('run', '/nonexistent/scenario.yaml');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/no such file or folder: \/nonexistent\/scenario\.yaml/);
  });

  it('broken YAML is exit 2 naming file and line, without a stack trace', async () => {
    project = new TempProject();
    const file = project.write('s.yaml', 'image:\n  cdrom: [oops\n');
    const { code, stderr } = await cli('run', file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown machine profile is exit 2 naming the field and the known profiles', async () => {
    project = new TempProject();
    const file = project.write('s.yaml', 'image: {cdrom: disk.img}\nprofile: vax-780\nsteps:\n  - waitText: x\n');
    project.write('disk.img', 'x');
    const { code, stderr } = await cli('run', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/profile: unknown machine profile "vax-780" \(known: .*p3-i440fx/);
  });

  it('a missing image is exit 2 before any emulator starts', async () => {
    project = new TempProject();
    const file = project.write('s.yaml', 'image: {cdrom: gone.iso}\nsteps:\n  - waitText: x\n');
    const { code, stderr } = await cli('run', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/image\.cdrom: cdrom image .*gone\.iso: not found/);
  });

  it('a sha256 pin that does not match is exit 2 showing both values', async () => {
    project = new TempProject();
    const file = project.write('s.yaml', `image: {cdrom: {path: disk.img, sha256: "${'0'.repeat(64)}"}}\nsteps:\n  - waitText: x\n`);
    const { code, stderr } = await cli('run', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/has sha256 [0-9a-f]{64}, expected 0{64}/);
  });

  it('unknown flags, backends and update modes are usage errors (exit 2)', async () => {
    expect((await cli('run', '--frobnicate')).code).toBe(2);
    expect((await cli('run', '--backend', 'bochs', 'scenarios')).code).toBe(2);
    expect((await cli('run', '--update-goldens=sometimes', 'scenarios')).code).toBe(2);
  });

  it('refuses a report folder it did not make, deleting nothing', async () => {
    project = new TempProject();
    const mine = project.write('notes/important.txt', 'keep me');
    const { code, stderr } = await cli('run', '--report-dir', project.path('notes'), 'scenarios');
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a bootgate report folder/);
    expect(readFileSync(mine, 'utf8')).toBe('keep me');
  });
});
