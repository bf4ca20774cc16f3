/**
 * A CpuSample from HMP `info registers`: QEMU prints `HLT=1` while the vCPU sits in HLT, and the
 * general registers, EIP and EFLAGS on the lines before. Read while the guest runs (TCG keeps the
 * registers in memory between translation blocks), so no pause is needed.
 */
import { InfraError } from '../../errors.js';
import type { CpuSample } from '../machine.js';

const EFLAGS_IF = 0x200;

export function parseCpuSample(registers: string): CpuSample {
  const eip = /EIP=([0-9a-f]+) EFL=([0-9a-f]+).*HLT=(\d)/.exec(registers);
  const cs = /^CS =([0-9a-f]+)/m.exec(registers);
  if (!eip || !cs) throw new InfraError(`qemu: cannot read the CPU state from "info registers": ${registers.slice(0, 120)}`);
  const general = registers.split('\n').filter((line) => /^(EAX|ESI)=/.test(line));
  return {
    halted: eip[3] === '1',
    interrupts: (parseInt(eip[2]!, 16) & EFLAGS_IF) !== 0,
    state: [...general, `CS=${cs[1]} EIP=${eip[1]} EFL=${eip[2]}`].join(' '),
    at: `${cs[1]}:${eip[1]}`,
  };
}
