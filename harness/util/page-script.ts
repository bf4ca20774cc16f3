/**
 * A browser page's script, as esbuild bundled it from harness/pages/ (scripts/bundle-pages.mjs,
 * part of `npm run build`), to inline into the page: one file a page carries with it opens
 * offline, from a CI artifact or a loopback server that serves nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root.js';

export const PAGES_DIR = join(PROJECT_ROOT, 'dist', 'pages');

const cache = new Map<string, string>();

/** The bundled script of page `name` (`record`, `report`), with `</script` made harmless. */
export function pageScript(name: string): string {
  let script = cache.get(name);
  if (script === undefined) {
    const file = join(PAGES_DIR, `${name}.js`);
    try {
      script = readFileSync(file, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
    } catch {
      throw new Error(`the ${name} page's script is not built (${file}): run npm run build`);
    }
    cache.set(name, script);
  }
  return script;
}
