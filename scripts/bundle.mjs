// Bundles the compiled CLI (dist/) into dist/bundle/: one file per command plus shared chunks,
// so a run loads a handful of files instead of Node resolving ~300 ESM modules one by one
// (measured: 0.41 s to 0.24 s before the first job starts). tsc stays the compiler and type
// checker; this only packs its output. sharp (native) and v86 (wasm next to its code) are loaded
// from node_modules as usual.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: without a clean folder, every build would leave its old chunks.
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: { main: 'dist/harness/cli/main.js', 'v86-worker': 'dist/harness/machine/v86/v86-worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['sharp', 'v86'],
  // Bundled CommonJS dependencies call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __bootgateRequire } from 'node:module'; const require = __bootgateRequire(import.meta.url);" },
  logLevel: 'warning',
});
