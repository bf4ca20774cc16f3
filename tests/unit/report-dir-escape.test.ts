/**
 * Names from a scenario never make bootgate write outside the report folder or the goldens
 * folder: scenario, step and golden names holding `../`, an absolute path or a NUL are refused
 * with a one-line error naming file and field, or turned into a plain file name.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containedPath } from '../../harness/config/contained-path.js';
import { ConfigError, ScenarioError } from '../../harness/errors.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { GoldenStore } from '../../harness/screen/golden-store.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const HEAD = 'image: {cdrom: ../disk.img}\nstepTimeout: 2s\n';
const FRAME = { width: 4, height: 2, data: Uint8Array.from({ length: 4 * 2 * 4 }, (_, i) => (i % 4 === 3 ? 255 : i * 8)) };
const ESCAPES = ['../../escaped', '/tmp/escaped', 'esc\\0aped'];

function loadError(file: string, yaml: string): string {
  project ??= new TempProject();
  const path = project.write(file, yaml);
  try {
    loadScenario(path);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

describe('names never lead outside the report or goldens folder', () => {
  it.each(ESCAPES)('a scenario name %j is refused with file, line and field', (name) => {
    project = new TempProject();
    const message = loadError('scenarios/s.yaml', `name: "${name}"\n${HEAD}steps:\n  - waitSerial: ok\n`);
    expect(message).toMatch(/^\S*scenarios\/s\.yaml:1:7: name: /);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('a scenario named by its file gets no "..": the file ...yaml is refused', () => {
    project = new TempProject();
    const message = loadError('scenarios/...yaml', `${HEAD}steps:\n  - waitSerial: ok\n`);
    expect(message).toMatch(/scenarios\/\.\.\.yaml: name: the file's name makes the scenario name "\.\."/);
  });

  it.each(ESCAPES)('a golden name %j is refused with file, line and field', (name) => {
    project = new TempProject();
    const message = loadError('scenarios/s.yaml', `${HEAD}steps:\n  - waitScreen: "${name}"\n`);
    expect(message).toMatch(/^\S*scenarios\/s\.yaml:4:\d+: steps\.0\.waitScreen: /);
  });

  it('step names with "../", an absolute path or a NUL make plain file names inside the job folder', async () => {
    project = new TempProject();
    const steps = ESCAPES.map((name, i) => `  - name: "${name}"\n    waitScreen: {golden: g${i}, settle: 100ms}\n`).join('');
    const { results, reportDir } = await runFake(project, `${HEAD}steps:\n${steps}`, { timeline: [{ at: 0, frame: FRAME }] }, { updateMode: 'all' });
    expect(results[0]!.outcome, results[0]!.error?.message).toBe('passed');
    const written = filesUnder(reportDir).filter((f) => f.endsWith('.png'));
    expect(written.length).toBeGreaterThanOrEqual(ESCAPES.length);
    for (const f of written) expect(f).toMatch(/^jobs\/fake--qemu--p3-i440fx\/\d\d-[A-Za-z0-9._-]+\.png$/);
    expect(filesUnder(project.path('golden-screens')).sort()).toEqual(['fake/g0.qemu.png', 'fake/g1.qemu.png', 'fake/g2.qemu.png']);
    // Nothing beside the report folder or in the project, where "../../" would have led.
    expect(filesUnder(project.dir).filter((f) => f.includes('escaped'))).toEqual([]);
  });

  it('a golden store refuses a scenario or golden name that climbs out, is absolute or holds a NUL', () => {
    for (const [scenario, name] of [['..', 'menu'], ['s', '../../menu'], ['s', '/tmp/menu'], ['s', 'me\0nu']] as const) {
      const store = new GoldenStore('/project/golden-screens', scenario, 'qemu', 'all');
      expect(() => store.ownPath(name), `${scenario}/${name}`).toThrow(ConfigError);
    }
    expect(new GoldenStore('/project/golden-screens', 's', 'qemu', 'all').ownPath('menu')).toBe('/project/golden-screens/s/menu.qemu.png');
  });

  it('a job folder is refused when its id would leave the report folder', () => {
    expect(() => containedPath('/r', ['jobs', '../../x'], { field: 'name' })).toThrow(/^name: "jobs\/\.\.\/\.\.\/x" would lead outside \/r$/);
    expect(() => containedPath('/r', ['jobs', '/etc'], { field: 'name' })).toThrow(ConfigError);
    expect(() => containedPath('/r', ['jobs', 'a\0b'], { field: 'name' })).toThrow(/a\\0b/);
    expect(() => containedPath('/r', ['.'], { field: 'name' })).toThrow(ConfigError);
    expect(containedPath('/r', ['jobs', 'a..b--qemu--p3'], { field: 'name' })).toBe('/r/jobs/a..b--qemu--p3');
  });
});
