/**
 * A YAML file is untrusted input: one too large, nested too deep or expanding aliases without end
 * is a one-line ConfigError with its file and line, found before it costs memory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MAX_YAML_BYTES, MAX_YAML_DEPTH, readYamlFile } from '../../harness/config/yaml-file.js';
import { ConfigError } from '../../harness/errors.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { aliasBomb, deepFlow } from '../support/hostile-inputs.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

const anything = z.unknown();

function errorReading(content: string): ConfigError {
  project = new TempProject();
  const file = project.write('f.yaml', content);
  try {
    readYamlFile(file, anything);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('readYamlFile caps', () => {
  it('refuses an alias bomb as a config error at its first alias, not an internal error', () => {
    const e = errorReading(aliasBomb());
    expect(e.message).toMatch(/f\.yaml:2:\d+: YAML aliases expand past 100 copies/);
  });

  it('refuses flow brackets nested past the limit at the bracket, before the parser recurses', () => {
    const e = errorReading(`steps: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(e.message).toMatch(new RegExp(`f\\.yaml:1:${MAX_YAML_DEPTH + 7}: nested more than ${MAX_YAML_DEPTH} levels deep`));
  });

  it('refuses block nesting past the limit at the line that goes too deep', () => {
    const e = errorReading(Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n');
    expect(e.message).toMatch(new RegExp(`f\\.yaml:${MAX_YAML_DEPTH + 1}:\\d+: nested more than`));
  });

  it('counts nested sequence items on one line as levels', () => {
    const e = errorReading(`${'- '.repeat(100)}x\n`);
    expect(e.message).toMatch(/f\.yaml:1:1: nested more than/);
  });

  it('refuses a file over the size limit without reading it', () => {
    const e = errorReading(`a: "${'x'.repeat(MAX_YAML_BYTES)}"\n`);
    expect(e.message).toMatch(/f\.yaml: \d+ bytes, over the 1048576-byte limit/);
  });

  it('still reads what real files hold: brackets in quotes and comments, aliases within the limit', () => {
    project = new TempProject();
    const deepButFine = Array.from({ length: 20 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' [[x]]\n';
    const file = project.write('ok.yaml', `base: &b {x: 1}\nuse: [*b, *b]\ntext: "[[[[[[[[[[" # ${'['.repeat(100)}\nquoted: '{{{{'\n${deepButFine}`);
    const data = readYamlFile(file, anything) as Record<string, unknown>;
    expect(data['use']).toEqual([{ x: 1 }, { x: 1 }]);
    expect(data['text']).toBe('[[[[[[[[[[');
    expect(data['quoted']).toBe('{{{{');
  });

  it('reports a scenario nested too deep as a ScenarioError naming the scenario file', () => {
    project = new TempProject();
    const file = project.write('s.yaml', deepFlow(100));
    expect(() => loadScenario(file)).toThrowError(new RegExp(`s\\.yaml:2:\\d+: nested more than ${MAX_YAML_DEPTH} levels deep`));
  });
});
