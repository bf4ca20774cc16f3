import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../harness/scenario/scenario-schema.js';

describe('docs/scenario.schema.json', () => {
  it('is what the schema code generates (regenerate with: bootgate schema --out docs/scenario.schema.json)', () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/scenario.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('knows every step action and image form editors should complete', () => {
    const text = JSON.stringify(scenarioJsonSchema());
    for (const key of ['waitSerial', 'waitText', 'waitScreen', 'sendSerial', 'click', 'repeat', 'waitAny', 'blank', 'preset', 'maxSize', 'bootOrder']) expect(text).toContain(`"${key}"`);
  });
});
