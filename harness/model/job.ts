/** One job: one scenario on one backend on one machine profile. */
import type { BackendName } from '../machine/machine.js';
import type { Profile } from '../machine/profile.js';
import type { Expectation, Scenario } from '../scenario/scenario.js';

export interface Job {
  /** Unique in a run and safe as a folder name: `<scenario>--<backend>--<profile>`. */
  readonly id: string;
  readonly scenario: Scenario;
  readonly backend: BackendName;
  /** With the scenario's memory override applied. */
  readonly profile: Profile;
  /** The declared expected failure for this backend × profile, if any. */
  readonly expectation?: Expectation;
  /** Why the scenario excludes this backend × profile: the job is skipped without a boot. */
  readonly exclusion?: string;
}
