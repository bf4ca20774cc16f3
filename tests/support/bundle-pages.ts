/**
 * vitest's global setup: the browser pages' scripts bundled from harness/pages/, as
 * `npm run build` bundles them, so a test that renders a page (the HTML report, the recorder's)
 * runs from the sources without a build first.
 */
// @ts-expect-error: a plain .mjs build script, without types
import { bundlePages } from '../../scripts/bundle-pages.mjs';

export default async function setup(): Promise<void> {
  await (bundlePages as () => Promise<void>)();
}
