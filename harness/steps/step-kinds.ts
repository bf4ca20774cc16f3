/**
 * Every step kind, in the order the scenario schema lists their action keys. A new kind is a file and a line here.
 * Only step-schema.ts imports this file: repeat and waitAny hold steps, so they reach back to the step schema.
 */
import { clickStep } from './click.js';
import { dragStep } from './drag.js';
import { moveStep } from './move-pointer.js';
import { pressStep } from './press-keys.js';
import { rebootStep } from './reboot.js';
import { repeatStep } from './repeat.js';
import { screenshotStep } from './screenshot.js';
import { scrollStep } from './scroll.js';
import { sendSerialStep } from './send-serial.js';
import { typeStep } from './type-text.js';
import { waitAnyStep } from './wait-any.js';
import { waitScreenStep } from './wait-screen.js';
import { waitSerialStep } from './wait-serial.js';
import { waitStillStep } from './wait-still.js';
import { waitTextStep } from './wait-text.js';

export const STEP_KINDS = [
  waitSerialStep,
  waitTextStep,
  waitScreenStep,
  typeStep,
  pressStep,
  sendSerialStep,
  rebootStep,
  screenshotStep,
  waitStillStep,
  moveStep,
  clickStep,
  dragStep,
  scrollStep,
  repeatStep,
  waitAnyStep,
] as const;

export const STEP_ACTIONS = STEP_KINDS.map((k) => k.key);
