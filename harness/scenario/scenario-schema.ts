/**
 * The scenario file format, defined once: zod validates it and the same definition generates
 * the JSON Schema editors use (`bootgate schema`). Each step kind defines its own action
 * (steps/); durations and patterns are normalised by their schemas (config/value-schemas.ts).
 */
import * as z from 'zod';
import { durationSchema, FILE_NAME, FILE_NAME_CHARS, goldenNameSchema, patternSchema, sizeSchema, stallSchema } from '../config/value-schemas.js';
import { BACKENDS } from '../machine/machine.js';
import { DISK_FORMATS } from '../machine/qemu/inspect-disk-image.js';
import { isWait, stepSchema } from '../steps/step-schema.js';
import { failScreenSchema } from '../steps/failure-screens.js';

const imageFileSchema = z
  .union([
    z.string().min(1),
    z.strictObject({
      path: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits').optional(),
      /** Size budget, checked before booting: a larger image fails the job without a boot. */
      maxSize: sizeSchema.optional(),
      /** A disk's format. Default: qcow2 if the file starts like one, else raw; never guessed further. */
      format: z.enum(DISK_FORMATS).optional(),
      /** A qcow2 disk may have a backing chain, if every file in it lies in the scenario's folder (or below) and names its format. */
      allowBackingFile: z.boolean().optional(),
    }),
    /** A blank, writable disk of this size, created fresh for every job and removed after it (an installer's target). */
    z.strictObject({ blank: sizeSchema }),
    /** The image a reference preset builds (presets/<name>); built or taken from the cache before the run. */
    z.strictObject({ preset: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a preset name such as mini-shell'), maxSize: sizeSchema.optional() }),
  ])
  .transform((f) => (typeof f === 'string' ? { path: f } : f));

const imageSchema = z.strictObject({
  cdrom: imageFileSchema.optional(),
  floppy: imageFileSchema.optional(),
  disk: imageFileSchema.optional(),
  kernel: imageFileSchema.optional(),
  initrd: imageFileSchema.optional(),
  append: z.string().optional(),
}).refine((i) => i.cdrom || i.floppy || i.disk || i.kernel, { message: 'needs at least one of cdrom, floppy, disk or kernel' })
  .refine((i) => !(i.initrd || i.append) || i.kernel, { message: 'initrd and append need a kernel' })
  .refine((i) => ![i.cdrom, i.floppy, i.kernel, i.initrd].some((f) => f && 'blank' in f), { message: 'only a disk can be blank' })
  // CDs, floppies and kernels are always read as raw bytes: nothing in them names another file.
  .refine((i) => ![i.cdrom, i.floppy, i.kernel, i.initrd].some((f) => f && ('format' in f || 'allowBackingFile' in f)), { message: 'format and allowBackingFile are for a disk only' });

/**
 * A phase's budgets; exceeding one fails the job even if every step passed. A plain duration is
 * a wall-clock budget. `guest` is guest time (instructions × 4 ns, docs/guest-time.md) and
 * `instructions` the same clock counted in instructions: neither moves when the host is busy.
 */
const budgetSchema = z.union([
  durationSchema.transform((wall) => ({ wall }) as { wall?: number; guest?: number; instructions?: number }),
  z
    .strictObject({
      wall: durationSchema.optional(),
      guest: durationSchema.optional(),
      instructions: z.number().int().positive().optional(),
    })
    .refine((b) => b.wall !== undefined || b.guest !== undefined || b.instructions !== undefined, { message: 'a budget needs wall, guest or instructions' }),
]);

const phaseSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, dash and underscore'),
    budget: budgetSchema.optional(),
    stall: stallSchema.optional(),
    failOnScreen: z.array(failScreenSchema).optional(),
    steps: z.array(stepSchema).min(1),
  })
  .refine((p) => !(p.budget?.guest !== undefined || p.budget?.instructions !== undefined) || p.steps.some(isWait), {
    message: 'a guest-time budget is measured up to the waits of its phase, and this phase has none',
    path: ['budget'],
  });

const expectationSchema = z.strictObject({
  backend: z.enum(BACKENDS).optional(),
  profile: z.string().optional(),
  outcome: z.enum(['failed', 'infra-error']),
  reason: z.string().min(1),
  /** The error message must match this, so an expectation cannot hide a different failure. */
  evidence: patternSchema.optional(),
});

/** A backend × profile pair of the matrix not to run, reported as skipped with the reason. */
const exclusionSchema = z
  .strictObject({
    backend: z.enum(BACKENDS).optional(),
    profile: z.string().optional(),
    reason: z.string().min(1),
  })
  .refine((e) => e.backend !== undefined || e.profile !== undefined, { message: 'name the backend, the profile or both' });

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(FILE_NAME, FILE_NAME_CHARS).optional(),
    description: z.string().optional(),
    image: imageSchema.optional(),
    /** Start where another scenario's snapshot point leaves the machine: its image, machine and steps up to the point come first. */
    from: z.strictObject({ scenario: z.string().min(1), snapshot: goldenNameSchema }).optional(),
    profile: z.string().min(1).optional(),
    profiles: z.array(z.string().min(1)).min(1).optional(),
    memory: z.number().int().min(1).max(4096).optional(),
    /** Overrides the profile's boot order, e.g. [disk, cdrom] for an installer that reboots into what it installed. */
    bootOrder: z.array(z.enum(['cdrom', 'disk', 'floppy', 'network'])).min(1).optional(),
    /** Default: the `from:` scenario's backends, else qemu. */
    backends: z.array(z.enum(BACKENDS)).min(1).optional(),
    timeout: durationSchema.prefault('5m'),
    stepTimeout: durationSchema.prefault('60s'),
    failOn: z.array(patternSchema).default([]),
    defaultFailOn: z.boolean().default(true),
    /** End any wait once for this long there was no serial output, no screen change and no CPU work (docs/scenarios.md, "Stalls"). */
    stall: stallSchema.optional(),
    /** Fail the job once the guest has reset the machine more often than this (a reset loop). */
    maxResets: z.number().int().min(0).optional(),
    /** Screens that end any wait at once: a golden's name (whole or region golden), or {text} on the text screen. */
    failOnScreen: z.array(failScreenSchema).default([]),
    /** Run QEMU on guest time (icount) and record every phase's guest time; on whenever a phase has a guest budget. */
    guestClock: z.boolean().optional(),
    goldens: z.string().optional(),
    expect: z.array(expectationSchema).default([]),
    exclude: z.array(exclusionSchema).default([]),
    phases: z.array(phaseSchema).min(1).optional(),
    steps: z.array(stepSchema).min(1).optional(),
  })
  .refine((s) => !(s.profile && s.profiles), { message: 'give profile or profiles, not both', path: ['profiles'] })
  .refine((s) => (s.image ? 1 : 0) + (s.from ? 1 : 0) === 1, { message: 'give image, or from: a snapshot point whose image it boots', path: ['image'] })
  .refine((s) => (s.phases ? 1 : 0) + (s.steps ? 1 : 0) === 1, { message: 'give either phases or steps', path: ['steps'] });


export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioData = z.output<typeof scenarioSchema>;
export type ExpectationData = z.output<typeof expectationSchema>;
export type ExclusionData = z.output<typeof exclusionSchema>;

export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
}
