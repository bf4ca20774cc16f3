/** The one place that knows which class implements which backend. */
import type { BackendName, Machine, MachineSpec } from './machine.js';
import { createQemuMachine } from './qemu/qemu-machine.js';
import { createV86Machine } from './v86/v86-machine.js';

export function createMachine(backend: BackendName, spec: MachineSpec): Machine {
  return backend === 'qemu' ? createQemuMachine(spec) : createV86Machine(spec);
}
