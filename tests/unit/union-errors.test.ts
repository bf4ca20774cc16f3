import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { TempProject } from '../support/temp-project.js';

let project: TempProject;
afterEach(() => project?.remove());

/** The one-line error a scenario gets, without its file name. */
function errorOf(yaml: string): string {
  project = new TempProject();
  project.write('disk.img', 'x');
  const file = project.write('s.yaml', yaml);
  try {
    loadScenario(file);
  } catch (e) {
    return (e as Error).message.replace(`${file}:`, '');
  }
  return 'no error';
}

const HEAD = 'image: {cdrom: disk.img}\n';

describe('errors in fields that take several forms name the form meant and what is wrong with it', () => {
  it('an image pin whose sha256 YAML read as a number', () => {
    expect(errorOf('image: {cdrom: {path: disk.img, sha256: 0000}}\nsteps:\n  - waitText: x\n')).toBe('1:41: image.cdrom.sha256: expected a string, got a number (quote it: YAML reads it as a number)');
  });

  it('a misspelt field of a screen match, a pattern, a budget or typed text, with the field meant', () => {
    expect(errorOf(`${HEAD}steps:\n  - waitText: {regexp: "x"}\n`)).toBe('3:15: steps.0.waitText: unknown field "regexp" (did you mean "regex"?)');
    expect(errorOf(`${HEAD}steps:\n  - waitSerial: ok\n    failOn: [{regx: panic}]\n`)).toMatch(/^4:14: steps\.0\.failOn\.0: unknown field "regx" \(did you mean "regex"\?\)$/);
    expect(errorOf(`${HEAD}phases:\n  - name: boot\n    budget: {wal: 10s}\n    steps:\n      - waitText: x\n`)).toBe('4:13: phases.0.budget: unknown field "wal" (did you mean "wall"?)');
    // A field that exists, one level off: not "did you mean" itself.
    expect(errorOf(`${HEAD}steps:\n  - waitScreen: menu\n    settle: 3s\n`)).toBe('3:5: steps.0: field "settle" does not belong here (it is a field of another object: check its nesting)');
    expect(errorOf(`${HEAD}steps:\n  - type: {txt: "root"}\n`)).toBe('3:11: steps.0.type: unknown field "txt" (did you mean "text"?)');
  });

  it('a value of no form at all says which forms there are', () => {
    expect(errorOf(`${HEAD}steps:\n  - waitText: [a, b]\n`)).toMatch(/^3:15: steps\.0\.waitText: expected a string or an object, got an array$/);
    expect(errorOf(`${HEAD}timeout: fast\nsteps:\n  - waitText: x\n`)).toBe('2:10: timeout: a duration such as 500ms, 30s or 2m');
  });

  it('an unknown key name in press has its line', () => {
    expect(errorOf(`${HEAD}steps:\n  - waitText: x\n  - press: ctrl-hyper\n`)).toBe('4:12: steps.1.press: unknown key "hyper" in "ctrl-hyper"');
  });
});
