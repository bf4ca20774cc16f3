/**
 * A CpuSample from HMP `info registers`: QEMU prints `HLT=1` while the vCPU sits in HLT, and the
 * general registers, EIP and EFLAGS on the lines before. Read while the guest runs (TCG keeps the
 * registers in memory between translation blocks), so no pause is needed. And the CPU time QEMU
 * has had from the host, from /proc.
 */
import { InfraError } from '../../errors.js';
import type { CpuSample } from '../machine.js';
import { isStrayFetch } from '../stray-fetch.js';

const EFLAGS_IF = 0x200;
const CR0_PG = 0x80000000;

/** `ramBytes`: the machine's memory, to tell a CPU that ran off past its end. */
export function parseCpuSample(registers: string, ramBytes: number): CpuSample {
  const eip = /EIP=([0-9a-f]+) EFL=([0-9a-f]+).*HLT=(\d)/.exec(registers);
  const cs = /^CS =([0-9a-f]+) ([0-9a-f]+)/m.exec(registers);
  const cr0 = /CR0=([0-9a-f]+)/.exec(registers);
  if (!eip || !cs || !cr0) throw new InfraError(`qemu: cannot read the CPU state from "info registers": ${registers.slice(0, 120)}`);
  const general = registers.split('\n').filter((line) => /^(EAX|ESI)=/.test(line));
  return {
    halted: eip[3] === '1',
    interrupts: (parseInt(eip[2]!, 16) & EFLAGS_IF) !== 0,
    state: [...general, `CS=${cs[1]} EIP=${eip[1]} EFL=${eip[2]}`].join(' '),
    at: `${cs[1]}:${eip[1]}`,
    strayed: (parseInt(cr0[1]!, 16) & CR0_PG) === 0 && isStrayFetch(parseInt(cs[2]!, 16) + parseInt(eip[1]!, 16), ramBytes),
  };
}

/** Linux's clock ticks per second for /proc times (USER_HZ), 100 on every architecture QEMU runs bootgate on. */
const USER_HZ = 100;

/** User and system time of a process, in ms, from its /proc/PID/stat line (fields 14 and 15, after the name in parentheses). */
export function processCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new InfraError(`qemu: cannot read its CPU time from /proc: ${stat.slice(0, 120)}`);
  return ((utime + stime) * 1000) / USER_HZ;
}
