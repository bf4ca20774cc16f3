/**
 * The scenario file format, defined once: zod validates it and the same definition generates
 * the JSON Schema editors use (`bootgate schema`). Durations and patterns are normalised here,
 * so the engine only ever sees milliseconds and RegExps.
 */
import '../util/zod-config.js';
import * as z from 'zod';
import { DURATION_PATTERN, parseDuration } from '../config/duration.js';
import { parseSize, SIZE_PATTERN } from '../config/size.js';
import { literalPattern, type Pattern } from '../config/pattern.js';
import { BACKENDS } from '../machine/machine.js';
import type { ConfigFormat } from '../config/yaml-file.js';
import { once } from '../util/once.js';

export const STEP_ACTIONS = ['waitSerial', 'waitText', 'waitScreen', 'type', 'press', 'sendSerial', 'reboot', 'screenshot'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** pixelmatch's per-pixel colour distance; its own default. */
const DEFAULT_THRESHOLD = 0.1;

/**
 * Every schema of the format, built on first use: zod takes ~16 ms to build them (measured), and
 * a run whose scenarios are all in the config cache (util/config-cache.ts) never needs them.
 */
function build() {
  const duration = z
    .union([z.number().positive(), z.string().regex(DURATION_PATTERN, 'a duration such as 500ms, 30s or 2m')])
    .transform(parseDuration);

  /** Plain text matches literally; `{regex: ...}` is a JavaScript regular expression. */
  const pattern = z
    .union([
      z.string().min(1),
      z.strictObject({ regex: z.string().min(1), flags: z.string().regex(/^[imsu]*$/).optional() }),
    ])
    .transform((p, ctx): Pattern => {
      if (typeof p === 'string') return literalPattern(p);
      try {
        return { source: `/${p.regex}/${p.flags ?? ''}`, regex: new RegExp(p.regex, p.flags) };
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(e as Error).message}` });
        return z.NEVER;
      }
    });

  const size = z.string().regex(SIZE_PATTERN, 'a size such as 1440KiB, 16MiB or 700MiB').transform(parseSize);

  const imageFile = z
    .union([
      z.string().min(1),
      z.strictObject({
        path: z.string().min(1),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits').optional(),
        /** Size budget, checked before booting: a larger image fails the job without a boot. */
        maxSize: size.optional(),
      }),
      /** A blank, writable disk of this size, created fresh for every job and removed after it (an installer's target). */
      z.strictObject({ blank: size }),
      /** The image a reference preset builds (presets/<name>); built or taken from the cache before the run. */
      z.strictObject({ preset: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a preset name such as mini-shell'), maxSize: size.optional() }),
    ])
    .transform((f) => (typeof f === 'string' ? { path: f } : f));

  const image = z.strictObject({
    cdrom: imageFile.optional(),
    floppy: imageFile.optional(),
    disk: imageFile.optional(),
    kernel: imageFile.optional(),
    initrd: imageFile.optional(),
    append: z.string().optional(),
  }).refine((i) => i.cdrom || i.floppy || i.disk || i.kernel, { message: 'needs at least one of cdrom, floppy, disk or kernel' })
    .refine((i) => !(i.initrd || i.append) || i.kernel, { message: 'initrd and append need a kernel' })
    .refine((i) => ![i.cdrom, i.floppy, i.kernel, i.initrd].some((f) => f && 'blank' in f), { message: 'only a disk can be blank' });

  const rect = z.strictObject({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  });


  const goldenName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore');

  const screenMatch = z.union([
    goldenName.transform((golden) => ({ anyOf: [golden], threshold: DEFAULT_THRESHOLD, masks: [] as z.output<typeof rect>[], maxDiffPixels: undefined as number | undefined, maxDiffPixelRatio: undefined as number | undefined })),
    z
      .strictObject({
        golden: goldenName.optional(),
        anyOf: z.array(goldenName).min(1).optional(),
        /** pixelmatch's per-pixel colour threshold, 0..1. */
        threshold: z.number().min(0).max(1).default(DEFAULT_THRESHOLD),
        maxDiffPixels: z.number().int().min(0).optional(),
        maxDiffPixelRatio: z.number().min(0).max(1).optional(),
        masks: z.array(rect).default([]),
      })
      .refine((s) => (s.golden ? 1 : 0) + (s.anyOf ? 1 : 0) === 1, { message: 'give either golden or anyOf' })
      .transform(({ golden, anyOf, ...rest }) => ({ ...rest, anyOf: anyOf ?? [golden!] })),
  ]);

  const typeText = z.union([
    z.string().transform((text) => ({ text, msPerChar: undefined as number | undefined })),
    z.strictObject({ text: z.string(), msPerChar: z.number().int().min(1).max(1000).optional() }),
  ]);


  const step = z
    .strictObject({
      name: z.string().min(1).optional(),
      timeout: duration.optional(),
      failOn: z.array(pattern).optional(),
      waitSerial: pattern.optional(),
      waitText: pattern.optional(),
      waitScreen: screenMatch.optional(),
      type: typeText.optional(),
      press: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((p) => (Array.isArray(p) ? p : [p])).optional(),
      sendSerial: z.string().min(1).optional(),
      reboot: z.literal(true).optional(),
      screenshot: goldenName.optional(),
      /** Once this step passes, save the machine under this name: scenarios can start `from:` it. */
      snapshot: goldenName.optional(),
    })
    .superRefine((s, ctx) => {
      const actions = STEP_ACTIONS.filter((a) => s[a] !== undefined);
      if (actions.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: actions.length === 0 ? `a step needs one action: ${STEP_ACTIONS.join(', ')}` : `a step has one action, this one has ${actions.join(' and ')}`,
        });
      }
    });

  /**
   * A phase's budgets; exceeding one fails the job even if every step passed. A plain duration is
   * a wall-clock budget. `guest` is guest time (instructions × 4 ns, docs/guest-time.md) and
   * `instructions` the same clock counted in instructions: neither moves when the host is busy.
   */
  const budget = z.union([
    duration.transform((wall) => ({ wall }) as { wall?: number; guest?: number; instructions?: number }),
    z
      .strictObject({
        wall: duration.optional(),
        guest: duration.optional(),
        instructions: z.number().int().positive().optional(),
      })
      .refine((b) => b.wall !== undefined || b.guest !== undefined || b.instructions !== undefined, { message: 'a budget needs wall, guest or instructions' }),
  ]);

  const phase = z
    .strictObject({
      name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, dash and underscore'),
      budget: budget.optional(),
      steps: z.array(step).min(1),
    })
    .refine((p) => !(p.budget?.guest !== undefined || p.budget?.instructions !== undefined) || p.steps.some((s) => s.waitSerial || s.waitText || s.waitScreen), {
      message: 'a guest-time budget is measured up to the waits of its phase, and this phase has none',
      path: ['budget'],
    });

  const expectation = z.strictObject({
    backend: z.enum(BACKENDS).optional(),
    profile: z.string().optional(),
    outcome: z.enum(['failed', 'infra-error']),
    reason: z.string().min(1),
    /** The error message must match this, so an expectation cannot hide a different failure. */
    evidence: pattern.optional(),
  });

  const scenario = z
    .strictObject({
      $schema: z.string().optional(),
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore').optional(),
      description: z.string().optional(),
      image: image.optional(),
      /** Start where another scenario's snapshot point leaves the machine: its image, machine and steps up to the point come first. */
      from: z.strictObject({ scenario: z.string().min(1), snapshot: goldenName }).optional(),
      profile: z.string().min(1).optional(),
      profiles: z.array(z.string().min(1)).min(1).optional(),
      memory: z.number().int().min(1).max(4096).optional(),
      /** Overrides the profile's boot order, e.g. [disk, cdrom] for an installer that reboots into what it installed. */
      bootOrder: z.array(z.enum(['cdrom', 'disk', 'floppy', 'network'])).min(1).optional(),
      /** Default: the `from:` scenario's backends, else qemu. */
      backends: z.array(z.enum(BACKENDS)).min(1).optional(),
      timeout: duration.prefault('5m'),
      stepTimeout: duration.prefault('60s'),
      failOn: z.array(pattern).default([]),
      defaultFailOn: z.boolean().default(true),
      /** Run QEMU on guest time (icount) and record every phase's guest time; on whenever a phase has a guest budget. */
      guestClock: z.boolean().optional(),
      goldens: z.string().optional(),
      expect: z.array(expectation).default([]),
      phases: z.array(phase).min(1).optional(),
      steps: z.array(step).min(1).optional(),
    })
    .refine((s) => !(s.profile && s.profiles), { message: 'give profile or profiles, not both', path: ['profiles'] })
    .refine((s) => (s.image ? 1 : 0) + (s.from ? 1 : 0) === 1, { message: 'give image, or from: a snapshot point whose image it boots', path: ['image'] })
    .refine((s) => (s.phases ? 1 : 0) + (s.steps ? 1 : 0) === 1, { message: 'give either phases or steps', path: ['steps'] });

  return { scenario, step, pattern, screenMatch, expectation };
}

const schemas = once(build);
type Schemas = ReturnType<typeof build>;

export const SCENARIO_FORMAT: ConfigFormat<Schemas['scenario']> = { kind: 'scenario', schema: () => schemas().scenario };

export type ScenarioInput = z.input<Schemas['scenario']>;
export type ScenarioData = z.output<Schemas['scenario']>;
export type StepData = z.output<Schemas['step']>;
export type PatternData = z.output<Schemas['pattern']>;
export type ScreenMatchData = z.output<Schemas['screenMatch']>;
export type ExpectationData = z.output<Schemas['expectation']>;

export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(schemas().scenario, { io: 'input', unrepresentable: 'any' });
}
