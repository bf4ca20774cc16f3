/**
 * The schemas of the values scenario files and their steps share: durations, sizes, patterns and
 * file-safe names. Durations and patterns are normalised here, so the engine only ever sees
 * milliseconds and RegExps.
 */
import * as z from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { literalPattern, type Pattern } from './pattern.js';
import { parseSize, SIZE_PATTERN } from './size.js';

export const durationSchema = z
  .union([z.number().positive(), z.string().regex(DURATION_PATTERN, 'a duration such as 500ms, 30s or 2m')])
  .transform(parseDuration);

/** `stall:` at any level: a duration, or `false` to turn off one set above. */
export const stallSchema = z.union([durationSchema, z.literal(false)]);

/** Plain text matches literally; `{regex: ...}` is a JavaScript regular expression. */
export const patternSchema = z
  .union([
    z.string().min(1),
    z.strictObject({ regex: z.string().min(1), flags: z.string().regex(/^[imsu]*$/).optional() }),
  ])
  .transform((p, ctx): Pattern => {
    if (typeof p === 'string') return literalPattern(p);
    try {
      return { source: `/${p.regex}/${p.flags ?? ''}`, regex: new RegExp(p.regex, p.flags) };
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(e as Error).message}` });
      return z.NEVER;
    }
  });

export const sizeSchema = z.string().regex(SIZE_PATTERN, 'a size such as 1440KiB, 16MiB or 700MiB').transform(parseSize);

/** A name that becomes part of a file name: it cannot be absolute, hidden, `..` or hold a NUL. */
export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const FILE_NAME_CHARS = 'letters, digits, dot, dash and underscore';

/** A golden's or a snapshot point's name. */
export const goldenNameSchema = z.string().regex(FILE_NAME, FILE_NAME_CHARS);
