/**
 * What a QEMU CPU model is made of: QMP `query-cpu-model-expansion` (type `full`) on a QEMU with
 * no machine at all, which answers every property of the model: its CPUID features as booleans
 * (cmov, sse, fxsr ...) and its identity (family, model, stepping, level, model-id). Two models'
 * differences are what `bootgate bisect` flips one at a time as `-cpu model,feature=on|off`.
 */
import { execa } from 'execa';
import { InfraError } from '../../errors.js';
import { requireExecutable } from './find-executable.js';
import { QEMU_BINARY, QEMU_INSTALL_HINT } from './qemu-command-line.js';

export type CpuProperties = Readonly<Record<string, boolean | number | string>>;

/** A `-cpu` value split into its model and its flags (`pentium3,-apic,cmov=off`). */
export function parseCpuOption(cpu: string): { readonly model: string; readonly flags: Readonly<Record<string, boolean>> } {
  const [model, ...rest] = cpu.split(',');
  const flags: Record<string, boolean> = {};
  for (const flag of rest) {
    const m = /^([+-])?([A-Za-z0-9_.-]+?)(?:=(on|off|true|false))?$/.exec(flag);
    if (!m) continue;
    flags[m[2]!] = m[1] ? m[1] === '+' : m[3] === undefined || m[3] === 'on' || m[3] === 'true';
  }
  return { model: model!, flags };
}

/** Each model's expanded properties, in one QEMU run, with the flags of its `-cpu` value applied. */
export async function expandCpuModels(cpus: readonly string[], binary = QEMU_BINARY): Promise<CpuProperties[]> {
  const qemu = requireExecutable(binary, QEMU_INSTALL_HINT);
  const commands = [
    { execute: 'qmp_capabilities' },
    ...cpus.map((cpu) => {
      const { model, flags } = parseCpuOption(cpu);
      return { execute: 'query-cpu-model-expansion', arguments: { type: 'full', model: { name: model, props: flags } } };
    }),
    { execute: 'quit' },
  ];
  const result = await execa(qemu, ['-machine', 'none', '-nodefaults', '-no-user-config', '-display', 'none', '-qmp', 'stdio'], {
    input: commands.map((c) => JSON.stringify(c)).join('\n') + '\n',
    reject: false,
    timeout: 20_000,
  });
  const replies = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { return?: { model?: { props?: CpuProperties } }; error?: { desc?: string } });
  const failed = replies.find((r) => r.error);
  if (failed) throw new InfraError(`qemu cannot expand CPU model ${cpus.join(' / ')}: ${failed.error!.desc ?? 'error'}`);
  const models = replies.flatMap((r) => (r.return?.model?.props ? [r.return.model.props] : []));
  if (models.length !== cpus.length) throw new InfraError(`qemu did not expand the CPU models ${cpus.join(', ')}: ${result.stderr.trim().slice(-300)}`);
  return models;
}
