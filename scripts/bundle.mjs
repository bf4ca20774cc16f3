// Packs the compiled CLI (tsc's dist/) into dist/bundle/: Node then loads one file instead of
// resolving and linking some 300 ES modules, which `bootgate run` otherwise pays before its first
// job (docs/benchmarks.md). tsc stays the compiler and type checker (its .d.ts files type the
// package's API). The v86 worker is its own entry, started by path (v86-machine.ts finds it next
// to the CLI and the API, which is the third entry). sharp (native), v86 and tesseract.js (wasm
// and worker scripts beside their code) load from node_modules.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { bundlePages } from './bundle-pages.mjs';

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: { main: 'dist/harness/cli/main.js', api: 'dist/harness/api/index.js', 'v86-worker': 'dist/harness/machine/v86/v86-worker.js' },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['sharp', 'v86', 'tesseract.js'],
  logLevel: 'warning',
  // Without comments and indentation the bundle is a third smaller and pure ASCII (esbuild escapes
  // strings; comments it would keep verbatim), which V8 holds as a one-byte string: Node decodes
  // and compiles it faster at every start. Names stay, and stacks map through the source map.
  minifyWhitespace: true,
  // main.js.map, chained through tsc's maps to harness/*.ts: what an internal error's stack is
  // mapped with (cli/internal-error.ts); nothing reads it on a normal start.
  sourcemap: 'linked',
  // Bundled CommonJS dependencies call require(), which an ES module does not have.
  banner: { js: "import { createRequire as __bootgateRequire } from 'node:module'; const require = __bootgateRequire(import.meta.url);" },
});
await bundlePages();
