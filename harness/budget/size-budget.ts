/** Measures a job's images and checks their size budgets before anything boots. */
import { statSync } from 'node:fs';
import { SizeBudgetError } from '../errors.js';
import type { Scenario } from '../scenario/scenario.js';

export interface MeasuredImage {
  readonly role: string;
  readonly path: string;
  readonly sizeBytes: number;
}

export function measureImages(scenario: Scenario): MeasuredImage[] {
  return scenario.imageFiles.filter((f) => f.blankSizeBytes === undefined).map((f) => ({ role: f.role, path: f.path, sizeBytes: statSync(f.path).size }));
}

/** Throws SizeBudgetError for the first image over its budget. */
export function checkSizeBudgets(scenario: Scenario, images: readonly MeasuredImage[]): void {
  for (const file of scenario.imageFiles) {
    const measured = images.find((i) => i.path === file.path && i.role === file.role);
    if (file.maxSizeBytes !== undefined && measured && measured.sizeBytes > file.maxSizeBytes) {
      throw new SizeBudgetError(`${file.role} image ${file.path}`, file.maxSizeBytes, measured.sizeBytes);
    }
  }
}
