#!/usr/bin/env node
// Runs the compiled CLI; `npm install` (prepare) or scripts/setup.sh builds dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/harness/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('bootgate: not built yet: run `npm run build` (or scripts/setup.sh) first\n');
  process.exit(3);
}
const { main } = await import(entry.href);
// Exit explicitly: a handle left open by a dying emulator must not keep a finished run hanging.
process.exit(await main(process.argv.slice(2)));
