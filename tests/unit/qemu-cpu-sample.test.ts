import { describe, expect, it } from 'vitest';
import { InfraError } from '../../harness/errors.js';
import { parseCpuSample } from '../../harness/machine/qemu/qemu-cpu-sample.js';

const REGISTERS = (eax: string, efl: string, hlt: string) => `CPU#0
EAX=${eax} EBX=00000000 ECX=00000000 EDX=00000663
ESI=00000000 EDI=00000000 EBP=00000000 ESP=00007bfa
EIP=00007c22 EFL=${efl} [-------] CPL=0 II=0 A20=1 SMM=0 HLT=${hlt}
ES =0000 00000000 0000ffff 00009300
CS =0000 00000000 0000ffff 00009b00
CR0=60000010 CR2=00000000 CR3=00000000 CR4=00000000`;

describe('a CPU sample from QEMU info registers', () => {
  it('reads HLT, IF and where the CPU is, and its state changes with any register', () => {
    const halted = parseCpuSample(REGISTERS('00000000', '00000002', '1'));
    expect(halted).toMatchObject({ halted: true, interrupts: false, at: '0000:00007c22' });
    const working = parseCpuSample(REGISTERS('00000001', '00000202', '0'));
    expect(working).toMatchObject({ halted: false, interrupts: true });
    expect(working.state).not.toBe(halted.state);
    expect(parseCpuSample(REGISTERS('00000000', '00000002', '1')).state).toBe(halted.state);
  });

  it('refuses output it cannot read rather than calling the CPU idle', () => {
    expect(() => parseCpuSample('unknown')).toThrow(InfraError);
  });
});
