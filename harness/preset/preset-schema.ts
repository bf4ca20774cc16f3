/**
 * The preset file format (presets/<name>/preset.yaml): a declarative recipe for one bootable
 * image built from Debian packages, plus what the image promises (phase markers, budgets, the
 * machine profiles it claims and the ones it is known not to run on, with the kernel's own words).
 */
import * as z from 'zod';
import { BACKENDS } from '../machine/machine.js';
import { isWait, stepSchema } from '../steps/step-schema.js';

const kebab = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const debianName = /^[a-z0-9][a-z0-9+.-]+$/;

/** A Debian package input. The version is resolved by apt at build time unless pinned here. */
const packageSchema = z.strictObject({
  name: z.string().regex(debianName, 'a Debian package name such as busybox-static'),
  /** Debian architecture to fetch; defaults to recipe.architecture. `all` for arch-independent packages. */
  arch: z.string().regex(/^[a-z0-9]+$/).optional(),
  /** Pin an exact Debian version (epoch included). Without it apt's candidate is used and recorded. */
  version: z.string().min(1).optional(),
  /**
   * `depends`: the entry names a metapackage (e.g. linux-image-686); fetch the one package it
   * depends on instead (linux-image-6.1.0-NN-686), whose name changes with every kernel ABI.
   * The recipe keeps referring to it by the metapackage's name.
   */
  follow: z.literal('depends').optional(),
  /** Why the image needs it; shown nowhere but in this file, for the person changing the recipe. */
  why: z.string().optional(),
});

/**
 * A file taken out of one of the recipe's packages, by its absolute path inside the package.
 * A `*` in a path component matches within that component (e.g. /boot/vmlinuz-*); the pattern
 * must match exactly one file.
 */
const fromPackage = z.strictObject({
  package: z.string().regex(debianName),
  path: z.string().startsWith('/', 'an absolute path inside the package, e.g. /bin/busybox'),
});

const mode = z.string().regex(/^0?[0-7]{3}$/, 'an octal file mode such as "0755"');
const target = z.string().regex(/^\/[^\0]*[^/]$/, 'an absolute path inside the initramfs, e.g. /init');

/** One file placed into the initramfs: from the preset folder (`source`) or from a package (`package` + `path`). */
const initramfsFileSchema = z
  .strictObject({
    /** A file in the preset folder, relative to preset.yaml. */
    source: z.string().min(1).optional(),
    package: z.string().regex(debianName).optional(),
    path: z.string().startsWith('/', 'an absolute path inside the package').optional(),
    target,
    mode: mode.optional(),
  })
  .superRefine((f, ctx) => {
    if (f.source !== undefined && (f.package !== undefined || f.path !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'give either source or package + path, not both' });
    } else if (f.source === undefined && (f.package === undefined || f.path === undefined)) {
      ctx.addIssue({ code: 'custom', path: [f.package === undefined ? 'package' : 'path'], message: 'give either source, or package and path' });
    }
  });

/** Budgets every phase has: wall seconds since the previous phase ended (or power-on), and optionally guest seconds. */
const phaseBudget = {
  name: z.string().regex(kebab, 'a kebab-case phase name such as shell'),
  /** Budget, in seconds since the previous phase (or power-on for the first). */
  withinSeconds: z.number().positive(),
  /**
   * Guest-time budget in seconds (instructions × 4 ns, docs/guest-time.md): the same on a busy
   * host as on a quiet one. Puts the gate's QEMU jobs on guest time.
   */
  guestWithinSeconds: z.number().positive().optional(),
};

/** A phase the image reaches by itself: a line it prints. */
const markerPhaseSchema = z.strictObject({
  ...phaseBudget,
  /** The line the image prints when it reaches this phase. */
  marker: z.string().min(1),
  /** Where the marker shows. */
  on: z.enum(['serial', 'screen']).default('serial'),
  /** Lines printed on the way to the marker, in order: the last one seen tells how far a failed phase got. */
  checkpoints: z.array(z.string().min(1)).default([]),
  /** A line the image prints when the phase has failed: fail at once instead of waiting out the budget. */
  failure: z.string().min(1).optional(),
});

/**
 * A phase that needs a person's input (clicks on a wizard, a command typed into a terminal):
 * scenario steps, run in the same job after the phases before it, so the gate installs once.
 * Their goldens are the gate's: golden-screens/<preset>-gate/.
 */
const stepsPhaseSchema = z.strictObject({
  ...phaseBudget,
  steps: z.array(stepSchema).min(1),
});

const phaseSchema = z.union([markerPhaseSchema, stepsPhaseSchema]);

const incompatibleSchema = z.strictObject({
  profile: z.string().regex(kebab),
  reason: z.string().min(1),
  /** Text the machine shows that proves the incompatibility (a failure pattern, not a timeout). */
  evidence: z.string().min(1),
  on: z.enum(['serial', 'screen']).default('screen'),
});

export const presetSchema = z
  .strictObject({
    name: z.string().regex(kebab, 'a kebab-case preset name such as mini-shell'),
    description: z.string().min(1),
    image: z.strictObject({
      kind: z.literal('iso'),
      /** ISO 9660 volume id: up to 32 of A-Z 0-9 _. */
      volumeId: z.string().regex(/^[A-Z0-9_]{1,32}$/, 'up to 32 characters of A-Z, 0-9 and _'),
    }),
    recipe: z.strictObject({
      architecture: z.enum(['i386']),
      packages: z.array(packageSchema).min(1),
      kernel: fromPackage,
      /** Kernel command line, written into the boot loader's configuration. */
      commandLine: z.string(),
      initramfs: z.strictObject({
        /** The BusyBox binary; every applet it contains gets a symlink in /bin. */
        busybox: fromPackage,
        files: z.array(initramfsFileSchema).default([]),
        /** Kernel modules to put under /lib/modules/<release>/, with everything they depend on. */
        modules: z
          .strictObject({
            package: z.string().regex(debianName),
            load: z.array(z.string().regex(/^[a-z0-9_-]+$/, 'a kernel module name such as ata_piix')).min(1),
          })
          .optional(),
        /**
         * Packages unpacked into the initramfs together with their whole `Depends` closure
         * (Pre-Depends and Depends, recursively, at apt's candidate versions; see
         * package-closure.ts): a root filesystem for dynamically linked programs such as an X
         * server. Their files never replace BusyBox's; `files` above are placed last and win.
         */
        closure: z
          .strictObject({
            packages: z.array(z.string().regex(debianName)).min(1),
            /** Packages not to fetch, nor follow the dependencies of (udev, Mesa DRI drivers, ...). */
            exclude: z.array(z.string().regex(debianName)).default([]),
            /** Paths removed from the unpacked closure (documentation, locales); `*` as in package paths. */
            prune: z.array(z.string().startsWith('/', 'an absolute path such as /usr/share/doc')).default([]),
          })
          .optional(),
      }),
      bootloader: z.strictObject({
        kind: z.literal('isolinux'),
        /** Seconds isolinux waits at its prompt; 0 boots at once. */
        timeoutSeconds: z.number().int().min(0).max(3600).default(0),
      }),
    }),
    phases: z.array(phaseSchema).min(1),
    budgets: z.strictObject({
      imageMiB: z.number().positive(),
      ramMiB: z.number().int().positive(),
    }),
    /** What a machine needs besides the image (the scenario or gate creates it). */
    media: z
      .strictObject({
        /** A blank hard disk, created fresh for every run. */
        disk: z.strictObject({ sizeMiB: z.number().int().positive() }).optional(),
        /** Boot order the image expects, e.g. [disk, cdrom]: a blank disk falls through to the CD. */
        bootOrder: z.array(z.enum(['cdrom', 'disk', 'floppy'])).min(1).optional(),
      })
      .optional(),
    /** The emulators the gate runs on (default: both); a backend left out is one whose budgets nobody has measured. */
    backends: z.array(z.enum(BACKENDS)).min(1).optional(),
    profiles: z.strictObject({
      claimed: z.array(z.string().regex(kebab)).min(1),
      incompatible: z.array(incompatibleSchema).default([]),
    }),
  })
  .superRefine((p, ctx) => {
    const names = p.recipe.packages.map((x) => x.name);
    const need = (pkg: string, path: (string | number)[]) => {
      if (!names.includes(pkg)) ctx.addIssue({ code: 'custom', path, message: `package ${pkg} is not listed in recipe.packages` });
    };
    need(p.recipe.kernel.package, ['recipe', 'kernel', 'package']);
    need(p.recipe.initramfs.busybox.package, ['recipe', 'initramfs', 'busybox', 'package']);
    if (p.recipe.initramfs.modules) need(p.recipe.initramfs.modules.package, ['recipe', 'initramfs', 'modules', 'package']);
    p.recipe.initramfs.files.forEach((f, i) => {
      if (f.package) need(f.package, ['recipe', 'initramfs', 'files', i, 'package']);
    });
    if (p.recipe.bootloader.kind === 'isolinux') {
      for (const pkg of ISOLINUX_PACKAGES) need(pkg, ['recipe', 'bootloader', 'kind']);
    }
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['recipe', 'packages', i, 'name'], message: `package ${n} is listed twice` });
    });
    p.phases.forEach((ph, i) => {
      if (p.phases.findIndex((q) => q.name === ph.name) !== i) ctx.addIssue({ code: 'custom', path: ['phases', i, 'name'], message: `phase ${ph.name} is listed twice` });
      if ('steps' in ph && ph.guestWithinSeconds !== undefined && !ph.steps.some(isWait)) {
        ctx.addIssue({ code: 'custom', path: ['phases', i, 'guestWithinSeconds'], message: 'a guest-time budget is measured up to the waits of its phase, and this phase has none' });
      }
    });
    p.profiles.incompatible.forEach((inc, i) => {
      if (p.profiles.claimed.includes(inc.profile)) {
        ctx.addIssue({ code: 'custom', path: ['profiles', 'incompatible', i, 'profile'], message: `${inc.profile} is also claimed` });
      }
    });
  });


/** The packages an isolinux CD takes its boot loader from (isolinux.bin, isohdpfx.bin; ldlinux.c32). */
export const ISOLINUX_PACKAGES = ['isolinux', 'syslinux-common'] as const;

export type Preset = z.output<typeof presetSchema>;
export type PresetPackage = z.output<typeof packageSchema>;
export type InitramfsFile = z.output<typeof initramfsFileSchema>;
export type Phase = z.output<typeof phaseSchema>;
export type MarkerPhase = z.output<typeof markerPhaseSchema>;

/** The phases the image reaches by itself, with their markers (what a gate without input can check). */
export function markerPhases(preset: Preset): MarkerPhase[] {
  return preset.phases.filter((p): p is MarkerPhase => 'marker' in p);
}
