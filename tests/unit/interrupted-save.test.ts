/**
 * An interrupt while a state is being saved leaves no half-written state: the first Ctrl-C
 * (the run's signal) lets the save finish and the state lands whole; an exit meanwhile (the
 * second Ctrl-C runs the cleanup registry, then exits) removes the partial one. The fake
 * machine's save is held halfway until the test lets it go, so the timing is the test's.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAllNow } from '../../harness/machine/cleanup-registry.js';
import type { FakeScript } from '../../harness/machine/fake/fake-machine.js';
import { STATE_MANIFEST } from '../../harness/run/saved-state.js';
import { SnapshotCache } from '../../harness/run/snapshot-cache.js';
import { runFake } from '../support/fake-jobs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
let cacheRoot: string;
beforeEach(() => {
  project = new TempProject();
  cacheRoot = mkdtempSync(join(tmpdir(), 'bootgate-snapshots-'));
});
afterEach(() => {
  project.remove();
  rmSync(cacheRoot, { recursive: true, force: true });
});

const SNAPSHOT = `image: {cdrom: ../disk.img}
stepTimeout: 2s
steps:
  - waitSerial: "# "
    snapshot: shell
  - waitSerial: "never"
`;
const FAILING = `image: {cdrom: ../disk.img}
steps:
  - waitSerial: "never"
    timeout: 100ms
`;

/** A machine showing a prompt whose save stops halfway; `saving` resolves with its folder, `finish` lets it end. */
function heldSave(): { script: FakeScript; saving: Promise<string>; finish: () => void } {
  let saving!: (dir: string) => void;
  let finish!: () => void;
  const held = new Promise<void>((resolve) => (finish = resolve));
  return {
    script: { timeline: [{ at: 0, serial: '# ' }], onSave: (dir) => (saving(dir), held) },
    saving: new Promise((resolve) => (saving = resolve)),
    finish,
  };
}

const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
/** Cache entries with a state.json: what a later job would restore. */
const complete = () => entries(cacheRoot).filter((e) => existsSync(join(cacheRoot, e, STATE_MANIFEST)));

describe('an interrupt while a state is saved', () => {
  it('a snapshot point: the first interrupt waits for the save, which lands whole; the job is interrupted after it', async () => {
    const { script, saving, finish } = heldSave();
    const interrupt = new AbortController();
    const run = runFake(project, SNAPSHOT, script, { snapshots: new SnapshotCache(cacheRoot), signal: interrupt.signal });
    const staging = await saving;
    interrupt.abort('SIGINT');
    expect(existsSync(join(staging, STATE_MANIFEST))).toBe(false); // halfway
    expect(complete()).toEqual([]);
    finish();
    const { results } = await run;
    expect(results[0]!.outcome).toBe('interrupted');
    expect(complete()).toHaveLength(1);
    expect(entries(cacheRoot)).toEqual(complete()); // no staging folder left
  });

  it('a snapshot point: an exit meanwhile removes the partial state', async () => {
    const { script, saving, finish } = heldSave();
    const run = runFake(project, SNAPSHOT, script, { snapshots: new SnapshotCache(cacheRoot) });
    const staging = await saving;
    expect(existsSync(staging)).toBe(true);
    killAllNow(); // what the second Ctrl-C and every exit run before the process ends
    expect(entries(cacheRoot)).toEqual([]);
    finish();
    await run;
    expect(complete()).toEqual([]);
  });

  it('--save-state-on-failure: the first interrupt waits for the save; the failure keeps its verdict and its whole state', async () => {
    const { script, saving, finish } = heldSave();
    const interrupt = new AbortController();
    const run = runFake(project, FAILING, script, { saveStateOnFailure: true, signal: interrupt.signal, snapshots: new SnapshotCache(cacheRoot) });
    const staging = await saving;
    interrupt.abort('SIGINT');
    finish();
    const { results, reportDir } = await run;
    expect(results[0]!.outcome).toBe('failed');
    const jobDir = join(reportDir, 'jobs', results[0]!.id);
    expect(results[0]!.artifacts.state).toBe(`jobs/${results[0]!.id}/state`);
    expect(existsSync(join(jobDir, 'state', STATE_MANIFEST))).toBe(true);
    expect(existsSync(staging)).toBe(false);
    expect(entries(jobDir).filter((e) => e.startsWith('state'))).toEqual(['state']);
  });

  it('--save-state-on-failure: an exit meanwhile removes the partial state, so none is there to restore', async () => {
    const { script, saving, finish } = heldSave();
    const run = runFake(project, FAILING, script, { saveStateOnFailure: true, snapshots: new SnapshotCache(cacheRoot) });
    const staging = await saving;
    killAllNow();
    expect(existsSync(staging)).toBe(false);
    finish();
    const { results, reportDir } = await run;
    const jobDir = join(reportDir, 'jobs', results[0]!.id);
    expect(entries(jobDir).filter((e) => e.startsWith('state'))).toEqual([]);
  });
});
