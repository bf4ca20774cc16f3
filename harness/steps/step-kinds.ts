/** Every step kind, in the order the scenario schema lists their action keys. A new kind is a file and a line here. */
import { pressStep } from './press-keys.js';
import { rebootStep } from './reboot.js';
import { screenshotStep } from './screenshot.js';
import { sendSerialStep } from './send-serial.js';
import { typeStep } from './type-text.js';
import { waitScreenStep } from './wait-screen.js';
import { waitSerialStep } from './wait-serial.js';
import { waitStillStep } from './wait-still.js';
import { waitTextStep } from './wait-text.js';

export const STEP_KINDS = [waitSerialStep, waitTextStep, waitScreenStep, typeStep, pressStep, sendSerialStep, rebootStep, screenshotStep, waitStillStep] as const;

export const STEP_ACTIONS = STEP_KINDS.map((k) => k.key);
