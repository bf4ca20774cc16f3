#!/usr/bin/env -S node --max-semi-space-size=1
// Runs the bundled CLI; scripts/setup.sh (npm run build) builds dist/. `npx bootgate` runs
// bin/bootgate, which starts from the startup snapshot when it fits and hands over to this file
// when it does not.
//
// A 1 MiB young generation (V8's default grows to 16 MiB): bootgate waits most of the time and
// allocates in bursts (frames, monitor replies), so a small one costs no measurable time and keeps
// ~12 MiB less resident beside the emulators (GRUB CD job: 94–96 against 106–110 MiB peak). V8 sizes
// its heap before any script runs, so only a flag can set this: run bootgate as `npx bootgate`,
// `bin/bootgate` or `bin/bootgate.js`, not `node bin/bootgate.js`, to get it.
//
// The bundle runs as a vm.Script with V8's code cache in a file beside it: compiling 1.3 MB of
// JavaScript is the largest part of bootgate's start, and Node 20 offers no compile cache for
// modules. V8 checks the cache against the source and its own version and flags, and refuses a
// stale one (cachedDataRejected): the cache is then written anew. A rebuild deletes it. One cache
// per command, since each holds what its command compiled (`profiles` run first must not leave
// `run` a cache without run's code), and per set of Node flags, which V8 checks too: `node
// bin/bootgate.js` and `bin/bootgate.js` would otherwise reject each other's cache every time.
//
// This file is CommonJS (bin/package.json says so): Node starts a script ~10 ms sooner than an ES
// module, whose loader it would first have to set up.
'use strict';
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '../dist/bundle/main.cjs');
if (!existsSync(bundle)) {
  process.stderr.write('bootgate: not built yet: run `npm run build` (or scripts/setup.sh) first\n');
  process.exit(3);
}
const command = /^[a-z][a-z-]*$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim().replace(/[^\w=.-]+/g, '_') || 'default';
const cacheFile = `${bundle}.${command}.${flags}.v8-cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // First run after a build: compile from source, write the cache at the end.
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`, { filename: bundle, cachedData });
const cli = { exports: {} };
script.runInThisContext()(cli.exports, createRequire(bundle), cli, bundle, dirname(bundle));
cli.exports.main(process.argv.slice(2)).then((exitCode) => {
  if (!cachedData || script.cachedDataRejected) {
    // Made after the run, so it holds every function this run compiled, not only the top level.
    // Best effort: a read-only install runs uncached, and the rename keeps concurrent runs whole.
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // Not writable: the next run compiles from source again.
    }
  }
  // Exit explicitly: a handle left open by a dying emulator must not keep a finished run hanging.
  process.exit(exitCode);
});
