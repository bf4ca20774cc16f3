// The entry Node runs to build bootgate's startup snapshot (scripts/bundle.mjs runs it as
// `node --max-semi-space-size=1 --snapshot-blob dist/bundle/main.snapshot --build-snapshot
// bin/bootgate-snapshot.js <bundle> [code cache]`; bin/bootgate starts from the result). It
// evaluates the CLI bundle and the modules of `bootgate run` now, and names the function each
// start then runs. A run then neither loads those modules (~30 ms before QEMU's spawn, measured)
// nor, when the build had a training run's code cache to compile the bundle from, compiles the
// functions it calls (~25 ms more).
//
// Everything evaluated here is frozen into the snapshot, so nothing in it may read the
// environment, the terminal or the clock at load time (bootgate's modules do that when a command
// runs). Packages the bundle leaves out (sharp, v86) and commands not preloaded are loaded at run
// time, by a require made then: the builder's own knows only Node's built-in modules.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { startupSnapshot } = require('node:v8');
const { Script } = require('node:vm');

const [bundle, codeCache] = process.argv.slice(2);
let requireAtRunTime;
const requireForBundle = (id) => (requireAtRunTime ?? require)(id);
const cli = { exports: {} };
// Compiled from the training run's code cache when there is one (scripts/bundle.mjs says why):
// its functions are then in the snapshot compiled. V8 refuses a cache that does not fit.
const cachedData = codeCache ? readFileSync(codeCache) : undefined;
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`, { filename: bundle, cachedData });
if (script.cachedDataRejected) process.stdout.write(`bootgate: V8 refused the code cache ${codeCache}: the snapshot compiles functions on first call\n`);
script.runInThisContext()(cli.exports, requireForBundle, cli, bundle, dirname(bundle));
// Node drains the event loop before it takes the snapshot, so the dynamic import settles first.
void cli.exports.preload();

startupSnapshot.setDeserializeMainFunction(() => {
  requireAtRunTime = require('node:module').createRequire(bundle);
  // bin/bootgate passes the arguments after `--`, which Node removes: argv is [node, ...args].
  cli.exports.main(process.argv.slice(1)).then((exitCode) => {
    // As bin/bootgate.js: a handle left open by a dying emulator must not keep a finished run hanging.
    process.exit(exitCode);
  });
});
