import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, ScenarioError } from '../../harness/errors.js';
import type { FakeScript } from '../../harness/machine/fake/fake-machine.js';
import { SnapshotCache } from '../../harness/run/snapshot-cache.js';
import { checkStateFits, readState, STATE_MANIFEST, type MachineIdentity, type StateManifest } from '../../harness/run/saved-state.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
let cacheRoot: string;
let snapshots: SnapshotCache;
beforeEach(() => {
  cacheRoot = mkdtempSync(join(tmpdir(), 'bootgate-snapshots-'));
  snapshots = new SnapshotCache(cacheRoot);
});
afterEach(() => {
  project?.remove();
  rmSync(cacheRoot, { recursive: true, force: true });
});

const BASE = (login = 'login:') => `image: {cdrom: ../disk.img}
stepTimeout: 2s
phases:
  - name: boot
    steps:
      - waitSerial: "${login}"
      - sendSerial: "root\\n"
      - waitSerial: "# "
        snapshot: shell
      - name: not part of the snapshot
        waitSerial: "never"
`;
const CHILD = `from: {scenario: base.yaml, snapshot: shell}
stepTimeout: 2s
phases:
  - name: check
    steps:
      - sendSerial: "uname\\n"
      - waitSerial: "Linux"
`;

/** Boots to a prompt; answers `uname`. A restored machine replays nothing of the boot. */
const script: FakeScript = {
  timeline: [{ at: 10, serial: 'login: ', instructions: 1000 }],
  onSerialIn: (text, m) => m.apply({ serial: text === 'root\n' ? '# ' : text === 'uname\n' ? 'Linux\n' : '' }),
};

describe('snapshot points', () => {
  it('the first job boots and saves at the point; the next restores there instead of booting', async () => {
    project = new TempProject();
    project.write('scenarios/base.yaml', BASE());
    const cold = await runFake(project, CHILD, script, { snapshots });
    expect(cold.results[0]!.outcome).toBe('passed');
    expect(cold.results[0]!.restored).toBeUndefined();
    expect(cold.machines[0]!.saves).toHaveLength(1);
    expect(cold.results[0]!.phases.map((p) => [p.name, p.outcome])).toEqual([['boot', 'passed'], ['check', 'passed']]);
    expect(cold.results[0]!.phases[0]!.steps.map((s) => s.description)).not.toContain('not part of the snapshot');
    expect(cold.results[0]!.phases[0]!.steps[2]!.note).toMatch(/^snapshot shell saved: /);

    const warm = await runFake(project, CHILD, { onSerialIn: script.onSerialIn }, { snapshots });
    const job = warm.results[0]!;
    expect(job.outcome).toBe('passed');
    expect(job.restored).toMatchObject({ snapshot: 'shell', resumeAt: 3 });
    expect(warm.machines[0]!.restoredFrom).toBe(job.restored!.from);
    expect(warm.machines[0]!.serialIn).toEqual(['uname\n']); // nothing of the boot ran again
    expect(job.phases.map((p) => [p.name, p.outcome])).toEqual([['boot', 'restored'], ['check', 'passed']]);
    expect(job.phases[0]!.steps.map((s) => s.outcome)).toEqual(['restored', 'restored', 'restored']);
  });

  it('jobs that start from the same point at the same time take turns: one saves, the others restore', async () => {
    project = new TempProject();
    project.write('scenarios/base.yaml', BASE());
    const runs = await Promise.all([1, 2, 3].map(() => runFake(project, CHILD, script, { snapshots })));
    const results = runs.flatMap((r) => r.results);
    expect(results.map((r) => r.outcome)).toEqual(['passed', 'passed', 'passed']);
    expect(results.filter((r) => r.restored)).toHaveLength(2);
    expect(runs.flatMap((r) => r.machines).reduce((n, m) => n + m.saves.length, 0)).toBe(1);
  });

  it('a change to a step before the point makes a new snapshot; a change after it, or to a name or a timeout, does not', async () => {
    project = new TempProject();
    project.write('scenarios/base.yaml', BASE());
    await runFake(project, CHILD, script, { snapshots });
    // After the point, names and timeouts: the same snapshot.
    project.write('scenarios/base.yaml', BASE().replace('"never"', '"still never"').replace('stepTimeout: 2s', 'stepTimeout: 3s').replace('- name: not part', '- name: still not part'));
    const same = await runFake(project, CHILD, script, { snapshots });
    expect(same.results[0]!.restored).toBeDefined();
    // Before the point: the old snapshot no longer fits; this job boots and saves a new one.
    project.write('scenarios/base.yaml', BASE('login: '));
    const changed = await runFake(project, CHILD, script, { snapshots });
    expect(changed.results[0]!.outcome).toBe('passed');
    expect(changed.results[0]!.restored).toBeUndefined();
    expect(changed.machines[0]!.saves).toHaveLength(1);
  });

  it('an entry a killed run left half-written does not count, and the next save replaces it', async () => {
    project = new TempProject();
    project.write('scenarios/base.yaml', BASE());
    const first = await runFake(project, CHILD, script, { snapshots });
    const dir = first.results[0]!.phases[0]!.steps[2]!.note!.replace('snapshot shell saved: ', '');
    rmSync(join(dir, STATE_MANIFEST));
    const again = await runFake(project, CHILD, script, { snapshots });
    expect(again.results[0]!.restored).toBeUndefined();
    expect(again.machines[0]!.saves).toHaveLength(1);
    const third = await runFake(project, CHILD, script, { snapshots });
    expect(third.results[0]!.restored).toMatchObject({ from: dir });
  });

  it('the same image under another path restores the same snapshot: the key knows it by its sha256', async () => {
    project = new TempProject();
    project.write('scenarios/base.yaml', BASE());
    await runFake(project, CHILD, script, { snapshots });
    project.write('moved/disk.img', readFileSync(project.path('disk.img')));
    project.write('scenarios/base.yaml', BASE().replace('../disk.img', '../moved/disk.img'));
    const moved = await runFake(project, CHILD, script, { snapshots });
    expect(moved.results[0]!.restored).toBeDefined();
  });

  it('a changed image makes a new snapshot', async () => {
    project = new TempProject();
    project.write('scenarios/base.yaml', BASE());
    await runFake(project, CHILD, script, { snapshots });
    project.write('disk.img', 'another image');
    const next = await runFake(project, CHILD, script, { snapshots });
    expect(next.results[0]!.restored).toBeUndefined();
  });

  it('a scenario cannot start from a point that does not exist, or from itself', () => {
    project = new TempProject();
    project.write('scenarios/base.yaml', BASE());
    const missing = project.write('scenarios/m.yaml', CHILD.replace('snapshot: shell', 'snapshot: desktop'));
    expect(() => loadScenario(missing)).toThrow(/m\.yaml:1:\d+: from\.snapshot: .*base\.yaml has no step with snapshot: desktop \(it has: shell\)/);
    const loop = project.write('scenarios/loop.yaml', 'from: {scenario: loop.yaml, snapshot: x}\nsteps: [{waitSerial: x}]\n');
    expect(() => loadScenario(loop)).toThrow(ScenarioError);
    const gone = project.write('scenarios/gone.yaml', CHILD.replace('base.yaml', 'nowhere.yaml'));
    expect(() => loadScenario(gone)).toThrow(/gone\.yaml:1:\d+: from\.scenario: no such scenario: .*nowhere\.yaml/);
    const both = project.write('scenarios/both.yaml', `image: {cdrom: ../disk.img}\n${CHILD}`);
    expect(() => loadScenario(both)).toThrow(/give image, or from: a snapshot point/);
  });
});

describe('saved states', () => {
  const identity: MachineIdentity = {
    backend: 'qemu',
    emulator: 'QEMU emulator version 7.2.22',
    hardware: { machine: 'pc', cpu: 'pentium3', memoryMiB: 128 },
    images: [{ role: 'cdrom', path: '/img/a.iso', sha256: 'a'.repeat(64) }],
    guestClock: false,
  };
  const manifest: StateManifest = {
    format: 'bootgate-state',
    version: 1,
    machine: identity as StateManifest['machine'],
    scenario: { name: 's', file: '/s.yaml' },
    resumeAt: 2,
    resumeStep: 'wait for serial login:',
    reason: 'failure',
    createdAt: '2026-12-01T00:00:00Z',
  };

  it('fit only the machine they were saved on, naming the field and both values', () => {
    expect(() => checkStateFits(manifest, identity, '/st')).not.toThrow();
    expect(() => checkStateFits(manifest, { ...identity, images: [{ role: 'cdrom', path: '/img/b.iso', sha256: 'b'.repeat(64) }] }, '/st')).toThrow(
      new ConfigError(`the state in /st was saved with /img/a.iso (sha256 ${'a'.repeat(64)}); this job has /img/b.iso (sha256 ${'b'.repeat(64)})`, { field: '--from-state: cdrom image' }).message,
    );
    expect(() => checkStateFits(manifest, { ...identity, hardware: { ...identity.hardware, memoryMiB: 64 } }, '/st')).toThrow(/--from-state: profile field memoryMiB: .* saved with 128; this job has 64/);
    expect(() => checkStateFits(manifest, { ...identity, backend: 'v86' }, '/st')).toThrow(/backend: .*saved with qemu; this job has v86/);
    expect(() => checkStateFits(manifest, { ...identity, guestClock: true }, '/st')).toThrow(/guest clock: .*saved with off; this job has on/);
  });

  it('that are missing or damaged are bad input, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootgate-state-'));
    try {
      await expect(readState(dir)).rejects.toThrow(`--from-state: not a bootgate state: no state.json in ${dir}`);
      writeFileSync(join(dir, STATE_MANIFEST), '{"format": "bootgate-state", "version": 1');
      await expect(readState(dir)).rejects.toThrow(/state\.json: not JSON/);
      writeFileSync(join(dir, STATE_MANIFEST), JSON.stringify({ ...manifest, resumeAt: -1 }));
      await expect(readState(dir)).rejects.toThrow(/state\.json: resumeAt: /);
      writeFileSync(join(dir, STATE_MANIFEST), JSON.stringify(manifest));
      expect(JSON.parse(readFileSync(join(dir, STATE_MANIFEST), 'utf8'))).toEqual(await readState(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
