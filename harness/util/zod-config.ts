/**
 * zod's configuration, which must run before any schema is built: every module that builds
 * schemas imports this first. zod reads `jitless` when it constructs an object schema, so a
 * config call evaluated after a schema module is too late for that module's schemas.
 *
 * Jitless because zod otherwise compiles a fast parser per schema on its first use, which pays off
 * only when a schema parses many values; bootgate parses each file once, and the compile costs
 * more than it saves (5–12 ms).
 *
 * (A side-effect import, not a re-export of z: a re-exported namespace would make the bundle carry
 * all of zod, its 257 locales included.)
 */
import { config } from 'zod';

config({ jitless: true });
