import { describe, expect, it } from 'vitest';
import { InfraError } from '../../harness/errors.js';
import { parseCpuSample, processCpuMs } from '../../harness/machine/qemu/qemu-cpu-sample.js';

const RAM = 24 << 20;
const REGISTERS = (eax: string, efl: string, hlt: string, eip = '00007c22', cr0 = '60000010') => `CPU#0
EAX=${eax} EBX=00000000 ECX=00000000 EDX=00000663
ESI=00000000 EDI=00000000 EBP=00000000 ESP=00007bfa
EIP=${eip} EFL=${efl} [-------] CPL=0 II=0 A20=1 SMM=0 HLT=${hlt}
ES =0000 00000000 0000ffff 00009300
CS =0000 00000000 0000ffff 00009b00
CR0=${cr0} CR2=00000000 CR3=00000000 CR4=00000000`;

describe('a CPU sample from QEMU info registers', () => {
  it('reads HLT, IF and where the CPU is, and its state changes with any register', () => {
    const halted = parseCpuSample(REGISTERS('00000000', '00000002', '1'), RAM);
    expect(halted).toMatchObject({ halted: true, interrupts: false, at: '0000:00007c22', strayed: false });
    const working = parseCpuSample(REGISTERS('00000001', '00000202', '0'), RAM);
    expect(working).toMatchObject({ halted: false, interrupts: true });
    expect(working.state).not.toBe(halted.state);
    expect(parseCpuSample(REGISTERS('00000000', '00000002', '1'), RAM).state).toBe(halted.state);
  });

  // Seen on mini-shell at 24 MiB: its kernel jumped past the end of RAM and marched through nothing.
  it('tells a CPU fetching past the end of RAM, with paging off, from one in ROM or paged', () => {
    expect(parseCpuSample(REGISTERS('0', '2', '0', '024d4388', '00000011'), RAM).strayed).toBe(true);
    expect(parseCpuSample(REGISTERS('0', '2', '0', '000fe05b', '00000011'), RAM).strayed).toBe(false);
    expect(parseCpuSample(REGISTERS('0', '2', '0', 'c1000000', '80000011'), RAM).strayed).toBe(false);
  });

  it('refuses output it cannot read rather than calling the CPU idle', () => {
    expect(() => parseCpuSample('unknown', RAM)).toThrow(InfraError);
  });

  it("reads QEMU's CPU time from /proc, whatever its name holds", () => {
    // utime 250 and stime 37 ticks: 2.87 s. A name with spaces and a ')' must not shift the fields.
    const stat = '4242 (qemu-system-i38) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 37 0 0 20 0 5 0 100 1 1';
    expect(processCpuMs(stat)).toBe(2870);
    expect(() => processCpuMs('4242 (qemu)')).toThrow(InfraError);
  });
});
