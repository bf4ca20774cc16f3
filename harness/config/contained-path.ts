/**
 * A path made of names that come from scenarios (job ids, golden names), refused when it would
 * leave its folder: a name that is absolute, holds a NUL or climbs out with `..` must never
 * make bootgate write outside the report folder or the goldens folder.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';

export function containedPath(root: string, parts: readonly string[], where: ConfigError['where']): string {
  const bad = parts.find((p) => p.includes('\0') || isAbsolute(p));
  const rel = relative(resolve(root), resolve(root, ...parts));
  if (bad !== undefined || rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ConfigError(`"${parts.join('/').replaceAll('\0', '\\0')}" would lead outside ${root}`, where);
  }
  return join(root, ...parts);
}
