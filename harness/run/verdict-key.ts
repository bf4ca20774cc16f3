/**
 * What a job's verdict depends on, hashed: the machine (backend, emulator build, the profile's
 * hardware and memory, every image by sha256, the kernel command line, the guest clock), the
 * scenario as loaded (its steps, those it takes from the scenario it starts `from:`, failure
 * patterns, budgets, timeouts, expectations), the bytes of every golden and sidecar in the folders
 * its steps read, bootgate's own code, and the run's timeout scale. Change any of them and the key
 * changes, so the job runs again.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job } from '../model/job.js';
import { TOOL_VERSION } from '../util/tool-version.js';
import { machineIdentity } from './saved-state.js';

/** Bumped when what goes into a key or an entry changes, so old entries stop matching. */
const KEY_VERSION = 1;

export interface VerdictKeyOptions {
  readonly timeoutScale: number;
  readonly guestClock?: boolean;
}

export async function verdictKey(job: Job, options: VerdictKeyOptions): Promise<string> {
  const identity = await machineIdentity(job, !!(job.scenario.guestClock || options.guestClock));
  // An image is the same image wherever it lies: its sha256 says which, not its path.
  const machine = { ...identity, images: identity.images.map(({ role, sha256 }) => ({ role, sha256 })) };
  const { file: _file, goldenDir: _goldenDir, imageFiles, originGoldens: _origins, from, ...scenario } = job.scenario;
  const inputs = {
    version: KEY_VERSION,
    // The profile's name is not hardware, but the verdict is reported under it.
    job: job.id,
    tool: { version: TOOL_VERSION, code: codeHash() },
    machine,
    // Blank disks by size; the rest are in the machine's images.
    blanks: imageFiles.filter((f) => f.blankSizeBytes !== undefined).map((f) => ({ role: f.role, bytes: f.blankSizeBytes })),
    scenario: { ...scenario, ...(from ? { from: { snapshot: from.snapshot, afterStep: from.afterStep } } : {}) },
    expectation: job.expectation ?? null,
    goldens: goldenFolders(job).map(folderHash),
    timeoutScale: options.timeoutScale,
  };
  return createHash('sha256').update(JSON.stringify(inputs, patternsAsText)).digest('hex');
}

/** The folders a job's goldens come from: its scenario's, and for a `from:` scenario its origins'. */
function goldenFolders(job: Job): string[] {
  const { goldenDir, name, originGoldens = [] } = job.scenario;
  return [join(goldenDir, name), ...originGoldens.map((o) => join(o.dir, o.scenario))];
}

/** Every file's name and bytes in the folder (goldens, masks, region sidecars); a missing folder hashes as empty. */
function folderHash(dir: string): string {
  const hash = createHash('sha256');
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return 'none';
  }
  for (const name of names) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    hash.update(`${name}\0`).update(createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return hash.digest('hex');
}

let code: string | undefined;

/**
 * bootgate's code as it runs: the files beside this module (in an installed or built bootgate,
 * the bundle: the CLI, the API and the v86 worker). A build between two runs of the same version
 * is a different bootgate.
 */
function codeHash(): string {
  if (code) return code;
  const dir = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).filter((n) => /\.(m?js|ts)$/.test(n)).sort()) hash.update(`${name}\0`).update(readFileSync(join(dir, name)));
  return (code = hash.digest('hex'));
}

/** Failure patterns hold RegExps, which JSON writes as {}: write their source and flags. */
function patternsAsText(_key: string, value: unknown): unknown {
  return value instanceof RegExp ? `/${value.source}/${value.flags}` : value;
}
