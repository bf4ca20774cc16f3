/** Which goldens a command may write (`--update-goldens`): CI never writes one, whatever was asked. */
import { ConfigError } from '../errors.js';
import { UPDATE_MODES, type UpdateMode } from '../screen/golden-store.js';

export function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** The flag's mode (`changed` for the flag alone), `absent` without it; `none` in CI, with a note when the flag asked for more. */
export function resolveUpdateMode(flag: string | boolean | undefined, ci: boolean, write: (line: string) => void, absent: UpdateMode): UpdateMode {
  const asked = flag === undefined ? absent : flag === true ? 'changed' : flag;
  if (!UPDATE_MODES.includes(asked as UpdateMode)) {
    throw new ConfigError(`--update-goldens must be one of ${UPDATE_MODES.join(', ')}, got "${String(asked)}"`, { field: '--update-goldens' });
  }
  if (ci && asked !== 'none') {
    if (flag !== undefined) write(`note: CI is set, so goldens are not written (--update-goldens=${String(asked)} ignored)`);
    return 'none';
  }
  return asked as UpdateMode;
}
