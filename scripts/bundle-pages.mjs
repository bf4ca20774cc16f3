// Bundles the browser pages' scripts (harness/pages/*-page.ts) into dist/pages/<name>.js, one
// self-contained IIFE each, which the Node side inlines into its page (harness/util/page-script.ts).
// Run by scripts/bundle.mjs (npm run build) and by vitest's global setup, so tests that render a
// page work from the sources too.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function bundlePages() {
  await build({
    absWorkingDir: root,
    entryPoints: { record: 'harness/pages/record-page.ts', report: 'harness/pages/report-page.ts' },
    outdir: 'dist/pages',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minifyWhitespace: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundlePages();
