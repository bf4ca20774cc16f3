// Bundles the compiled CLI (dist/) into dist/bundle/, so a run loads one file instead of Node
// resolving ~300 ESM modules one by one (measured: 0.41 s to 0.24 s before the first job starts).
// tsc stays the compiler and type checker; this only packs its output. sharp (native) and v86
// (wasm next to its code) are loaded from node_modules as usual.
//
// The CLI is one CommonJS file because Node 20 keeps compiled code only for scripts: bin/bootgate.js
// runs it as a vm.Script with V8's code cache beside it (ESM has no such hook before Node 22).
// Commands and preset building stay lazy: esbuild defers a module reached only by import() until
// it is first imported. The v86 worker is its own ES module, started by path.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

// A rebuild starts from an empty folder: no stale chunk or code cache survives it.
rmSync('dist/bundle', { recursive: true, force: true });
// Whitespace and syntax minified, names kept (errors and stack traces still read): the CLI's
// 1.3 MB, whose comments held non-ASCII text, becomes 0.86 MB of ASCII, which Node reads and V8
// holds as a one-byte string: ~4 ms sooner to start and ~1.7 MiB less heap, measured.
const common = { bundle: true, platform: 'node', target: 'node20', external: ['sharp', 'v86'], logLevel: 'warning', minifyWhitespace: true, minifySyntax: true };
// The config cache (harness/util/config-cache.ts) trusts what an identical build validated: the
// build id is the hash of the bundle itself, written in where the placeholder stands, so a
// rebuild of unchanged sources keeps the cache and any change (schemas, zod, yaml) drops it.
const BUILD_PLACEHOLDER = 'bootgate-build-id-placeholder';
const [main] = await Promise.all([
  build({
    ...common,
    entryPoints: { main: 'dist/harness/cli/main.js' },
    outdir: 'dist/bundle',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    write: false,
    // The harness finds its files (project root, v86 worker) from import.meta.url: the bundle's own.
    define: { 'import.meta.url': '__bootgateBundleUrl', __BOOTGATE_BUILD__: JSON.stringify(BUILD_PLACEHOLDER) },
    banner: { js: "const __bootgateBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
  build({
    ...common,
    entryPoints: { 'v86-worker': 'dist/harness/machine/v86/v86-worker.js' },
    outdir: 'dist/bundle',
    format: 'esm',
    // Bundled CommonJS dependencies call require(); ESM output has none of its own.
    banner: { js: "import { createRequire as __bootgateRequire } from 'node:module'; const require = __bootgateRequire(import.meta.url);" },
  }),
]);
for (const file of main.outputFiles) {
  const id = createHash('sha256').update(file.contents).digest('hex').slice(0, 16);
  mkdirSync('dist/bundle', { recursive: true });
  writeFileSync(file.path, file.text.replaceAll(BUILD_PLACEHOLDER, id));
}

// The startup snapshot bin/bootgate starts from (bin/bootgate-snapshot.js says what is in it),
// built with the flags bin/bootgate runs it with: V8 refuses a snapshot made under other flags.
// The key beside it, written last, says what it fits: the bundle it holds (by path: bin/bootgate
// checks it is still that file) and the Node binary that built it, as `stat` prints it (device,
// inode, size, change time: an upgraded Node has a new inode or change time even where dpkg
// keeps the packaged mtime). bin/bootgate compares that line with stat's output for the node it
// would run, so both sides must come from the same command.
const bundlePath = resolve('dist/bundle/main.cjs');
const snapshot = resolve('dist/bundle/main.snapshot');
const codeCache = trainingRun();
try {
  // Piped, not shown: the builder warns about every built-in module it has not verified (vm,
  // child_process, ...); the test suite, run from the snapshot, is the verification that counts.
  const entry = [resolve('bin/bootgate-snapshot.js'), bundlePath, ...(codeCache ? [codeCache] : [])];
  execFileSync(process.execPath, ['--max-semi-space-size=1', '--snapshot-blob', snapshot, '--build-snapshot', ...entry], { stdio: ['ignore', 'inherit', 'pipe'] });
} catch (e) {
  process.stderr.write(e.stderr ?? '');
  throw new Error(`building the startup snapshot failed: ${e.message.split('\n')[0]}`);
}
const nodeId = execFileSync('stat', ['-L', '-c', '%d:%i:%s:%Z', process.execPath], { encoding: 'utf8' }).trim();
writeFileSync(`${snapshot}.key`, `${bundlePath}\n${nodeId}\n`);

/**
 * A snapshot keeps compiled code only for the functions that had it when it was taken; a start
 * from it compiles every other one on its first call, which cost a GRUB CD job ~25 ms before
 * QEMU's spawn and after its last step (measured against a snapshot compiled from this cache).
 * So the build runs that job through bin/bootgate.js, which leaves V8's code cache of every
 * function the run compiled, and the snapshot's bundle is compiled from it. Two runs: the
 * first validates the scenario into the config cache, so the second compiles what every later
 * run does. A run that fails (no QEMU yet) still leaves what it compiled; without the GRUB image
 * (a build before setup installed it) the snapshot is built without a cache, and a run compiles
 * those functions when it first calls them.
 */
function trainingRun() {
  const scenario = resolve('scenarios/grub-rescue/grub-rescue-cd.yaml');
  if (!existsSync('/usr/lib/grub-rescue/grub-rescue-cdrom.iso')) return undefined;
  const cacheOf = () => readdirSync('dist/bundle').find((f) => /^main\.cjs\.run\..*\.v8-cache$/.test(f));
  const report = mkdtempSync(join(tmpdir(), 'bootgate-training-'));
  const env = { ...process.env, CI: '1' };
  delete env.NODE_OPTIONS;
  try {
    for (let run = 0; run < 2; run++) {
      const cached = cacheOf();
      if (cached) rmSync(join('dist/bundle', cached));
      // Its exit code does not matter: a run that fails still leaves the code it compiled.
      spawnSync(process.execPath, ['--max-semi-space-size=1', 'bin/bootgate.js', 'run', scenario, '--backend', 'qemu', '--report-dir', report], { env, stdio: 'ignore', timeout: 60_000 });
    }
  } finally {
    rmSync(report, { recursive: true, force: true });
  }
  const cache = cacheOf();
  return cache ? resolve('dist/bundle', cache) : undefined;
}
