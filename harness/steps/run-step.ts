/** Dispatches one scenario step to the function that performs it. */
import type { Step } from '../scenario/scenario.js';
import { STEP_ACTIONS } from '../scenario/scenario-schema.js';
import { pressKeys, reboot, screenshot, sendSerial, typeText } from './input-steps.js';
import type { StepContext, StepReport } from './step-context.js';
import { waitScreen } from './wait-screen.js';
import { waitSerial } from './wait-serial.js';
import { waitText } from './wait-text.js';

export async function runStep(ctx: StepContext, step: Step, label: string): Promise<StepReport> {
  const timeoutMs = (step.timeout ?? ctx.defaultTimeoutMs) * ctx.timeoutScale;
  if (step.waitSerial) return waitSerial(ctx, step.waitSerial, timeoutMs, step.failOn);
  if (step.waitText) return waitText(ctx, step.waitText, timeoutMs, step.failOn);
  if (step.waitScreen) return waitScreen(ctx, step.waitScreen, timeoutMs, label, step.failOn);
  if (step.type) return typeText(ctx, step.type.text, step.type.msPerChar);
  if (step.press) return pressKeys(ctx, step.press);
  if (step.sendSerial) return sendSerial(ctx, step.sendSerial);
  if (step.reboot) return reboot(ctx);
  if (step.screenshot) return screenshot(ctx, step.screenshot);
  throw new Error('step without an action passed validation'); // the schema makes this unreachable
}

/** A short human description of a step for progress lines and reports. */
export function describeStep(step: Step): string {
  if (step.name) return step.name;
  if (step.waitSerial) return `wait for serial ${step.waitSerial.source}`;
  if (step.waitText) return `wait for screen text ${step.waitText.source}`;
  if (step.waitScreen) return `wait for screen ${step.waitScreen.anyOf.join(' | ')}`;
  if (step.type) return `type ${JSON.stringify(step.type.text)}`;
  if (step.press) return `press ${step.press.join(' ')}`;
  if (step.sendSerial) return `send serial ${JSON.stringify(step.sendSerial)}`;
  if (step.reboot) return 'reboot';
  if (step.screenshot) return `screenshot ${step.screenshot}`;
  return 'step';
}

/** The step's kind, for reports and file names. */
export function stepKind(step: Step): string {
  return STEP_ACTIONS.find((k) => step[k] !== undefined) ?? 'step';
}
