/**
 * The differences between a profile where a scenario passes and one where it fails, each one a
 * change that can be made to the good profile alone: a CPU feature (as a QEMU `-cpu` flag), the
 * CPU model's identity (family, model, level ... with the good model's features kept), memory,
 * and every other field of the profile (board, VGA, disk bus, floppy, NIC, sound, ACPI, pointer,
 * boot order, kernel arguments). Any set of them applied gives a profile to boot.
 */
import type { Profile } from '../machine/profile.js';
import { parseCpuOption, type CpuProperties } from '../machine/qemu/qemu-cpu-models.js';

export type Difference =
  | { readonly kind: 'cpu-feature'; readonly name: string; readonly feature: string; readonly good: boolean; readonly bad: boolean }
  | { readonly kind: 'cpu-model'; readonly name: string; readonly detail: string }
  | { readonly kind: 'field'; readonly name: string; readonly field: FieldName; readonly good: string; readonly bad: string };

/** The profile's fields besides the CPU, compared as they are written. */
const FIELDS = ['memoryMiB', 'machine', 'vga', 'diskBus', 'floppy', 'nic', 'sound', 'acpi', 'pointer', 'bootOrder', 'kernelArgs'] as const;
type FieldName = (typeof FIELDS)[number];

export interface ProfilePair {
  readonly good: Profile;
  readonly bad: Profile;
  /** The expanded properties of each one's CPU (qemu-cpu-models.ts). */
  readonly goodCpu: CpuProperties;
  readonly badCpu: CpuProperties;
}

export function profileDifferences({ good, bad, goodCpu, badCpu }: ProfilePair): Difference[] {
  const differences: Difference[] = [];
  const keys = [...new Set([...Object.keys(goodCpu), ...Object.keys(badCpu)])].sort();
  const identity: string[] = [];
  for (const key of keys) {
    const [g, b] = [goodCpu[key], badCpu[key]];
    if (g === b) continue;
    if (typeof g === 'boolean' && typeof b === 'boolean') differences.push({ kind: 'cpu-feature', name: `cpu ${key}`, feature: key, good: g, bad: b });
    else identity.push(`${key} ${String(g)}→${String(b)}`);
  }
  const goodModel = parseCpuOption(good.cpu).model;
  const badModel = parseCpuOption(bad.cpu).model;
  if (identity.length || goodModel !== badModel) differences.push({ kind: 'cpu-model', name: `cpu model ${badModel}`, detail: `${goodModel}→${badModel}${identity.length ? `: ${identity.join(', ')}` : ''}` });
  for (const field of FIELDS) {
    const [g, b] = [text(good[field]), text(bad[field])];
    if (g !== b) differences.push({ kind: 'field', name: field === 'memoryMiB' ? 'memory' : field, field, good: g, bad: b });
  }
  return differences;
}

/** The good profile with `applied` taken from the bad one; CPU features become flags on whichever model is in use. */
export function applyDifferences(pair: ProfilePair, applied: readonly Difference[], name: string): Profile {
  const { good, bad } = pair;
  const modelFromBad = applied.some((d) => d.kind === 'cpu-model');
  const base = modelFromBad ? pair.badCpu : pair.goodCpu;
  const flags = profileDifferences(pair)
    .filter((d): d is Extract<Difference, { kind: 'cpu-feature' }> => d.kind === 'cpu-feature')
    .flatMap((d) => {
      const wanted = applied.some((a) => a.name === d.name) ? d.bad : d.good;
      return base[d.feature] === wanted ? [] : [`${d.feature}=${wanted ? 'on' : 'off'}`];
    });
  const cpu = [parseCpuOption(modelFromBad ? bad.cpu : good.cpu).model, ...flags].join(',');
  const fields = Object.fromEntries(applied.flatMap((d) => (d.kind === 'field' ? [[d.field, bad[d.field]]] : [])));
  return { ...good, ...fields, cpu, name, description: applied.length ? `${good.name} with ${applied.map(describe).join(', ')}` : good.description };
}

/** "cpu cmov on→off", "vga std→cirrus". */
export function describe(d: Difference): string {
  switch (d.kind) {
    case 'cpu-feature':
      return `${d.name} ${d.good ? 'on' : 'off'}→${d.bad ? 'on' : 'off'}`;
    case 'cpu-model':
      return `cpu model ${d.detail}`;
    case 'field':
      return `${d.name} ${d.good}→${d.bad}`;
  }
}

function text(value: unknown): string {
  return value === undefined ? '(none)' : Array.isArray(value) ? value.join(',') : String(value);
}
