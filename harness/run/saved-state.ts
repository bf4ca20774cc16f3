/**
 * A saved machine state as bootgate keeps it: a folder with the backend's own files
 * (Machine.saveState) and state.json, which says what the state belongs to (backend, emulator
 * build, machine profile, every image by sha256, the kernel command line, the guest clock) and
 * where the scenario goes on. A state loads only on a job for which all of these are the same,
 * and a refusal names the field and both values.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { emulatorVersion } from '../machine/emulator-version.js';
import { BACKENDS, type Machine } from '../machine/machine.js';
import { contentHash } from '../util/content-hash.js';
import type { Job } from '../model/job.js';

export const STATE_MANIFEST = 'state.json';

/** Everything that must be equal for a state to load: the machine, not the scenario. */
const identitySchema = z.object({
  backend: z.enum(BACKENDS),
  emulator: z.string(),
  /** The profile's emulated hardware (its name and description left out: they emulate nothing). */
  hardware: z.record(z.string(), z.unknown()),
  images: z.array(z.object({ role: z.string(), path: z.string(), sha256: z.string() })),
  append: z.string().optional(),
  guestClock: z.boolean(),
});
const manifestSchema = z.object({
  format: z.literal('bootgate-state'),
  version: z.literal(1),
  machine: identitySchema,
  scenario: z.object({ name: z.string(), file: z.string() }),
  /** The step to run next, counted from 0 over all phases, and its description. */
  resumeAt: z.number().int().min(0),
  resumeStep: z.string(),
  reason: z.enum(['failure', 'snapshot']),
  snapshot: z.string().optional(),
  createdAt: z.string(),
});

export type MachineIdentity = z.output<typeof identitySchema>;
export type StateManifest = z.output<typeof manifestSchema>;

export async function machineIdentity(job: Job, guestClock: boolean): Promise<MachineIdentity> {
  const { name: _name, description: _description, ...hardware } = job.profile;
  const images = await Promise.all(
    // A blank disk is made fresh for the job: what the guest wrote to it is in the state itself.
    // A pinned image was checked against its pin before the run, and a preset's came with its build.
    job.scenario.imageFiles.filter((f) => f.blankSizeBytes === undefined).map(async (f) => ({ role: f.role, path: f.path, sha256: f.sha256 ?? (await contentHash(f.path)) })),
  );
  return {
    backend: job.backend,
    emulator: await emulatorVersion(job.backend),
    hardware,
    images,
    ...(job.scenario.append ? { append: job.scenario.append } : {}),
    guestClock,
  };
}

export interface StatePlace {
  readonly resumeAt: number;
  readonly resumeStep: string;
  readonly reason: StateManifest['reason'];
  readonly snapshot?: string;
}

/** Saves the machine into `dir` (created if need be) and writes state.json last, so a folder with one is complete. */
export async function writeState(machine: Machine, dir: string, identity: MachineIdentity, job: Job, place: StatePlace): Promise<StateManifest> {
  await mkdir(dir, { recursive: true });
  await machine.saveState(dir);
  const manifest: StateManifest = {
    format: 'bootgate-state',
    version: 1,
    machine: identity,
    scenario: { name: job.scenario.name, file: job.scenario.file },
    ...place,
    createdAt: new Date().toISOString(),
  };
  await writeFile(join(dir, STATE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The manifest of a state folder; a missing or damaged one is bad input, named as such. */
export async function readState(dir: string): Promise<StateManifest> {
  const file = join(dir, STATE_MANIFEST);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`not a bootgate state: no ${STATE_MANIFEST} in ${dir}`, { field: '--from-state' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`not JSON: ${(e as Error).message}`, { file });
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(issue.message, { file, field: issue.path.join('.') || 'format' });
  }
  return parsed.data;
}

/** Throws a ConfigError naming the first thing the state was saved for that this job is not. */
export function checkStateFits(manifest: StateManifest, identity: MachineIdentity, stateDir: string): void {
  const saved = manifest.machine;
  const refuse = (field: string, was: unknown, is: unknown): never => {
    throw new ConfigError(`the state in ${stateDir} was saved with ${show(was)}; this job has ${show(is)}`, { field: `--from-state: ${field}` });
  };
  if (saved.backend !== identity.backend) refuse('backend', saved.backend, identity.backend);
  if (saved.emulator !== identity.emulator) refuse('emulator', saved.emulator, identity.emulator);
  for (const key of new Set([...Object.keys(saved.hardware), ...Object.keys(identity.hardware)])) {
    if (JSON.stringify(saved.hardware[key]) !== JSON.stringify(identity.hardware[key])) refuse(`profile field ${key}`, saved.hardware[key], identity.hardware[key]);
  }
  for (const role of new Set([...saved.images.map((i) => i.role), ...identity.images.map((i) => i.role)])) {
    const was = saved.images.find((i) => i.role === role);
    const is = identity.images.find((i) => i.role === role);
    if (was?.sha256 !== is?.sha256) refuse(`${role} image`, was ? `${was.path} (sha256 ${was.sha256})` : `no ${role} image`, is ? `${is.path} (sha256 ${is.sha256})` : `no ${role} image`);
  }
  if ((saved.append ?? '') !== (identity.append ?? '')) refuse('kernel command line', saved.append ?? '', identity.append ?? '');
  if (saved.guestClock !== identity.guestClock) refuse('guest clock', saved.guestClock ? 'on' : 'off', identity.guestClock ? 'on' : 'off');
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
