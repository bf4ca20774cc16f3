/** What a step gets to work with: the machine and the job's shared state, nothing about emulators. */
import type { GuestMark } from '../machine/guest-clock.js';
import type { Machine } from '../machine/machine.js';
import type { PointerLanding } from '../machine/pointer-landing.js';
import type { RawImage } from '../machine/raw-image.js';
import type { Pattern } from '../config/pattern.js';
import type { GoldenRecord, GoldenStore } from '../screen/golden-store.js';
import type { ResetWatch } from './reset-watch.js';
import type { FailScreen } from './failure-screens.js';
import type { FrameReader } from '../text/frame-reader.js';


export interface ArtifactSink {
  /** Saves a frame into the job's report folder and returns its path relative to the report root. */
  image(name: string, image: RawImage): Promise<string>;
}

export interface StepContext {
  readonly machine: Machine;
  /** Aborted when the job's overall timeout passes or the run is interrupted; its reason is the error to throw. */
  readonly signal: AbortSignal;
  /** The goldens of the step running: a `from:` scenario's first steps use its origin's. */
  goldens: GoldenStore;
  readonly artifacts: ArtifactSink;
  /** The job's OCR, for text on graphical screens. */
  readonly ocr: FrameReader;
  /** Multiplies every wait's timeout (slow hosts). */
  readonly timeoutScale: number;
  readonly defaultTimeoutMs: number;
  /** Scenario-wide failure patterns; a step adds its own. */
  readonly failOn: readonly Pattern[];
  /** End a wait once nothing moved for this long (stall-watch.ts); the step's, its phase's or the scenario's. Off when absent. */
  stallMs?: number;
  /** Screens that end any wait of the step at once: the scenario's, its phase's and its own. */
  failOnScreen?: readonly FailScreen[];
  /** The job's guest resets, which fail a wait once there are more than the scenario allows. */
  readonly resets?: ResetWatch;
  /** Where the next serial wait starts reading: each match moves it past the matched text. */
  serialCursor: number;
  /** The most recent frame taken, kept for the report's last-frame artifact. */
  lastFrame?: RawImage;
  /** The last region golden matched, so a click can go where it was found. */
  lastRegion?: RegionReport;
  /** Where bootgate last put the pointer, in screen pixels: its cursor is left out of comparisons. */
  pointer?: { readonly x: number; readonly y: number };
  /** The last input given, so a wait that acts on a match uses a frame of the guest's answer to it. */
  lastInput?: InputMark;
}

/** When an input was given (performance.now() just after it) and the screen just before it. */
export interface InputMark {
  readonly at: number;
  readonly before?: RawImage;
  /** Where the pointer was before it, when bootgate had put it somewhere. */
  readonly pointerBefore?: { readonly x: number; readonly y: number };
}

/** Where a region golden's areas were found (or their best candidates), and where a click on it goes. */
export interface RegionReport {
  readonly golden: string;
  /** The frame the areas were found on, so a report can draw them over it to scale. */
  readonly frame: { readonly width: number; readonly height: number };
  readonly areas: readonly { readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly similarity: number; readonly found: boolean }[];
  readonly click: { readonly x: number; readonly y: number };
}

export interface StepReport {
  /** Which golden or text matched, when the step waited for one of several. */
  readonly matched?: string;
  readonly note?: string;
  readonly artifacts?: readonly string[];
  /** Goldens the step wrote, for review. */
  readonly goldens?: readonly GoldenRecord[];
  /** Where the guest was at the match (a wait) or when it took the input (an input step), for guest time. */
  readonly guest?: { readonly kind: 'match' | 'input'; readonly mark: GuestMark };
  /** A region golden's match, for the report to draw on the step's frame. */
  readonly region?: RegionReport;
  /** Where the pointer is after the step, in screen pixels. */
  readonly pointer?: { readonly x: number; readonly y: number };
  /** Where a walked (PS/2) pointer's cursor was last seen and after how many corrections: a click that missed says whether the pointer did. */
  readonly landing?: PointerLanding;
}
