import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { prepareReportDir } from '../../harness/report/report-dir.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'bootgate-report-dir-'));

describe('the report folder', () => {
  it('replaces a finished report silently, keeping what is not a report part', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'jobs/a'), { recursive: true });
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ version: 1, jobs: [] }));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(prepareReportDir(dir)).toBeUndefined();
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'results.json']);
  });

  it('recognises a killed run: results.json marked incomplete, a half-renamed temp file, or only jobs/', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'jobs/a'), { recursive: true });
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ version: 1, incomplete: true, jobs: [] }));
    writeFileSync(join(dir, 'junit.xml.4242.tmp'), '<testsu');
    expect(prepareReportDir(dir)).toMatch(/incomplete report of a run that was killed/);
    expect(readdirSync(dir)).toEqual(['results.json']);

    const atOnce = fresh();
    mkdirSync(join(atOnce, 'jobs/a'), { recursive: true });
    expect(prepareReportDir(atOnce)).toMatch(/killed/);
    expect(existsSync(join(atOnce, 'jobs'))).toBe(false);
  });

  it('refuses a folder that is not a report, and deletes nothing in it', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'thesis.tex'), 'precious');
    mkdirSync(join(dir, 'jobs'));
    expect(() => prepareReportDir(dir)).toThrow(ConfigError);
    expect(readdirSync(dir).sort()).toEqual(['jobs', 'thesis.tex']);
  });
});
