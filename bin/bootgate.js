#!/usr/bin/env -S node --max-semi-space-size=1
// Runs the compiled CLI; scripts/setup.sh (npm run build) builds dist/.
//
// A 1 MiB young generation (V8's default grows to 16 MiB): bootgate waits most of the time and
// allocates in bursts (frames, monitor replies), so a small one costs no measurable time and keeps
// ~12 MiB less resident beside the emulators (GRUB CD job: 94–96 against 106–110 MiB peak). V8 sizes
// its heap before any script runs, so only a flag can set this: run bootgate as `npx bootgate` or
// `bin/bootgate.js`, not `node bin/bootgate.js`, to get it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('bootgate: not built yet: run `npm run build` (or scripts/setup.sh) first\n');
  process.exit(3);
}
const { main } = await import(entry.href);
// Exit explicitly: a handle left open by a dying emulator must not keep a finished run hanging.
process.exit(await main(process.argv.slice(2)));
