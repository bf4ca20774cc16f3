import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { scenarioMedia } from '../../harness/scenario/scenario.js';
import { ScenarioError } from '../../harness/errors.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

function errorOf(yaml: string): ScenarioError {
  project = new TempProject();
  const file = project.write('scenarios/s.yaml', yaml);
  try {
    loadScenario(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('loadScenario', () => {
  it('loads a scenario with defaults and paths resolved next to the file', () => {
    project = new TempProject();
    const file = project.write(
      'scenarios/boot.yaml',
      'image:\n  disk: ../disk.img\nsteps:\n  - waitSerial: "login:"\n  - type: "root\\n"\n  - waitScreen: prompt\n',
    );
    const s = loadScenario(file);
    expect(s.name).toBe('boot');
    expect(scenarioMedia(s).disk).toBe(project.path('disk.img'));
    expect(s.profiles).toEqual(['p3-i440fx']);
    expect(s.backends).toEqual(['qemu']);
    expect(s.phases).toHaveLength(1);
    expect(s.phases[0]!.steps[0]!.waitSerial!.regex.test('debian login:')).toBe(true);
    expect(s.goldenDir).toBe(project.path('golden-screens'));
    expect(s.failOn.map((p) => p.source)).toContain('Kernel panic');
    expect(s.timeoutMs).toBe(300_000);
  });

  it('treats plain text literally and regex objects as regular expressions', () => {
    project = new TempProject();
    const file = project.write('s.yaml', 'image: {cdrom: disk.img}\nsteps:\n  - waitText: "a.b"\n  - waitText: {regex: "a.b"}\n');
    const [literal, regex] = loadScenario(file).phases[0]!.steps;
    expect(literal!.waitText!.text.regex.test('axb')).toBe(false);
    expect(regex!.waitText!.text.regex.test('axb')).toBe(true);
  });

  it('reports YAML syntax errors with file:line:col', () => {
    const e = errorOf('image:\n  cdrom: [x\nsteps: []\n');
    expect(e.message).toMatch(/s\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('points at an unknown field by line and names it', () => {
    const e = errorOf('image:\n  cdrom: x.iso\nsteps:\n  - waitSerial: ok\n    timout: 5s\n');
    expect(e.message).toMatch(/s\.yaml:4:\d+: steps\.0: unknown field "timout"/);
  });

  it('points at a bad duration', () => {
    const e = errorOf('image:\n  cdrom: x.iso\ntimeout: soon\nsteps:\n  - waitSerial: ok\n');
    expect(e.where.line).toBe(3);
    expect(e.where.field).toBe('timeout');
    expect(e.message).toMatch(/duration/);
  });

  it('refuses a step with two actions or none', () => {
    expect(errorOf('image: {cdrom: x}\nsteps:\n  - waitSerial: a\n    press: ret\n').message).toMatch(/one action, this one has waitSerial and press/);
    expect(errorOf('image: {cdrom: x}\nsteps:\n  - name: nothing\n').message).toMatch(/a step needs one action/);
  });

  it('refuses an unknown backend and a scenario without an image', () => {
    expect(errorOf('image: {cdrom: x}\nbackends: [bochs]\nsteps:\n  - reboot: true\n').where.field).toBe('backends.0');
    expect(errorOf('image: {}\nsteps:\n  - reboot: true\n').message).toMatch(/needs at least one of cdrom/);
  });

  it('refuses a bad regular expression and a malformed sha256', () => {
    expect(errorOf('image: {cdrom: x}\nsteps:\n  - waitSerial: {regex: "("}\n').message).toMatch(/invalid regular expression/);
    expect(errorOf('image: {cdrom: {path: x, sha256: abc}}\nsteps:\n  - reboot: true\n').message).toMatch(/64 lowercase hex/);
  });

  it('names a missing file', () => {
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrowError(/\/nonexistent\/x\.yaml: file not found/);
  });
});

describe('blank disks and boot order', () => {
  it('a blank disk is made fresh per job and only a disk can be blank', () => {
    project = new TempProject();
    const file = project.write('s.yaml', 'image:\n  cdrom: disk.img\n  disk: {blank: 64MiB}\nbootOrder: [disk, cdrom]\nsteps:\n  - reboot: true\n');
    const s = loadScenario(file);
    expect(s.imageFiles.find((f) => f.role === 'disk')).toMatchObject({ path: '', blankSizeBytes: 64 << 20 });
    expect(s.bootOrder).toEqual(['disk', 'cdrom']);
    expect(errorOf('image:\n  cdrom: {blank: 1MiB}\nsteps:\n  - reboot: true\n').message).toMatch(/only a disk can be blank/);
  });
});

describe('literal patterns', () => {
  it('match across line breaks and runs of spaces, and nothing else loosely', async () => {
    const { literalPattern } = await import('../../harness/config/pattern.js');
    const p = literalPattern('not present on the CPU: cmov');
    expect(p.regex.test('not present on the CPU:\ncmov')).toBe(true);
    expect(p.regex.test('not  present on the CPU: cmov')).toBe(true);
    expect(p.regex.test('not present on the CPU: cmovx')).toBe(true);
    expect(p.regex.test('not present on the CPU cmov')).toBe(false);
    expect(literalPattern('a.b').regex.test('axb')).toBe(false);
  });
});
