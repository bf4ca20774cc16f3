import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../harness/model/results.js';
import type { LoadedPreset } from '../../harness/preset/load-preset.js';
import { printPresetTable } from '../../harness/report/preset-table.js';

const phase = (name: string, seconds: number) => ({ name, offsetMs: 0, outcome: 'passed' as const, durationMs: seconds * 1000, steps: [] });

function job(scenario: string, profile: string, phases: JobResult['phases']): JobResult {
  return {
    id: `${scenario}--qemu--${profile}`,
    scenario: { name: scenario, file: `${scenario}.yaml`, description: '' },
    backend: 'qemu',
    profile,
    memoryMiB: 320,
    outcome: 'passed',
    attempts: [],
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 60_000,
    phases,
    host: { peakRssBytes: 300 << 20 },
    artifacts: {},
    images: [{ role: 'cdrom', path: 'x.iso', sizeBytes: 46 << 20 }],
  };
}

describe('the preset gate table', () => {
  it("shows the phases only a preset's scenario has, and keeps long names in their columns", () => {
    const loaded = { preset: { name: 'desk', phases: [{ name: 'setup' }, { name: 'boot' }], budgets: { imageMiB: 100, ramMiB: 320 } }, file: '/p/desk/preset.yaml', dir: '/p/desk' } as unknown as LoadedPreset;
    const lines: string[] = [];
    printPresetTable(loaded, [job('desk-gate', 'p3-i440fx', [phase('setup', 20), phase('boot', 30)]), job('desk-setup-clicks-scenario', 'p3-i440fx-tablet', [phase('setup', 21), phase('boot', 31), phase('wizard', 4), phase('shell', 2)])], (l) => lines.push(l));
    const [header, gate, clicks] = lines.slice(2);
    expect(header!.split(/\s+/).filter(Boolean)).toEqual(['scenario', 'profile', 'backend', 'setup', 'boot', 'wizard', 'shell', 'emulator', 'verdict']);
    expect(gate!.split(/\s+/).filter(Boolean).slice(3, 7)).toEqual(['20.0', '30.0', '-', '-']);
    expect(clicks!.split(/\s+/).filter(Boolean).slice(3, 7)).toEqual(['21.0', '31.0', '4.0', '2.0']);
    // Every row's cells start where the header's do.
    expect(gate!.indexOf('20.0')).toBe(header!.indexOf('setup'));
    expect(clicks!.indexOf('21.0')).toBe(header!.indexOf('setup'));
  });
});
