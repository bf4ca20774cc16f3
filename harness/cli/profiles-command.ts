/** `bootgate profiles`: each machine profile, what it emulates, and which backends can run it. */
import type { BackendName, MachineSpec } from '../machine/machine.js';
import { UnsupportedProfileError } from '../errors.js';
import { createMachine } from '../machine/create-machine.js';
import { BACKENDS } from '../machine/machine.js';
import type { Profile } from '../machine/profile.js';
import { loadAllProfiles } from '../vm-config/load-profile.js';

export function profilesCommand(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  for (const profile of loadAllProfiles()) {
    write(`${profile.name}`);
    write(`  ${profile.description}`);
    write(`  board ${profile.machine === 'pc' ? 'pc (i440FX/PIIX3, PCI)' : 'isapc (ISA only)'}, cpu ${profile.cpu}, ${profile.memoryMiB} MiB, vga ${profile.vga}, disk ${profile.diskBus}, floppy ${profile.floppy ? 'yes' : 'no'}, nic ${profile.nic}, sound ${profile.sound.join('+') || 'none'}, acpi ${profile.acpi ? 'on' : 'off'}, boot ${profile.bootOrder.join(',')}, pointer ${profile.pointer}`);
    for (const backend of BACKENDS) write(`  ${backend.padEnd(5)} ${support(backend, profile)}`);
  }
  return 0;
}

/** Asks the backend itself: constructing a machine checks the profile without starting anything. */
function support(backend: BackendName, profile: Profile): string {
  const spec: MachineSpec = { profile, media: { cdrom: '/dev/null' }, workDir: '/nonexistent' };
  try {
    void createMachine(backend, spec).stop();
    return 'yes';
  } catch (e) {
    if (e instanceof UnsupportedProfileError) return `no: ${e.field}: ${e.reason}`;
    return `unknown: ${(e as Error).message}`;
  }
}
