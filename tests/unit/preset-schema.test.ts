import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { findPresetDir, listPresetNames, loadPreset, PROJECT_PRESETS } from '../../harness/preset/load-preset.js';
import { markerPhases } from '../../harness/preset/preset-schema.js';
import { gateScenario } from '../../harness/preset/gate-scenario.js';
import { listProfileNames } from '../../harness/vm-config/load-profile.js';

const shipped = join(PROJECT_PRESETS, 'mini-shell');
const scratch = mkdtempSync(join(tmpdir(), 'bootgate-preset-schema-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A copy of mini-shell in a fresh folder, with preset.yaml passed through `edit`. */
function variant(edit: (yaml: string) => string, name = 'mini-shell'): string {
  const dir = join(scratch, String(n++), name);
  mkdirSync(join(dir, '..'), { recursive: true });
  cpSync(shipped, dir, { recursive: true });
  const file = join(dir, 'preset.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}

function loadError(dir: string): ConfigError {
  try {
    loadPreset(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('loadPreset accepted a broken preset');
}

describe('the shipped mini-shell preset', () => {
  it('loads, and names the files it uses', () => {
    const loaded = loadPreset(shipped);
    expect(loaded.preset.name).toBe('mini-shell');
    expect(loaded.preset.image.kind).toBe('iso');
    expect(loaded.preset.recipe.commandLine).toContain('console=ttyS0,115200n8 console=tty0');
    expect(loaded.preset.budgets).toEqual({ imageMiB: 16, ramMiB: 48 });
    expect(loaded.sources).toEqual(['init', 'inittab', 'profile']);
  });

  it('claims and excludes only machine profiles that exist, with the kernel words as evidence', () => {
    const { profiles } = loadPreset(shipped).preset;
    const known = listProfileNames();
    for (const p of [...profiles.claimed, ...profiles.incompatible.map((i) => i.profile)]) expect(known).toContain(p);
    expect(profiles.claimed).toEqual(['p2-i440fx', 'p3-i440fx']);
    expect(Object.fromEntries(profiles.incompatible.map((i) => [i.profile, i.evidence]))).toEqual({
      '486-isa': 'This kernel requires an i586 CPU, but only detected an i486 CPU.',
      'p5-i440fx': 'This kernel requires the following features not present on the CPU: cmov',
    });
  });

  it('is found by name and listed', () => {
    expect(findPresetDir('mini-shell', scratch)).toBe(shipped);
    expect(listPresetNames()).toContain('mini-shell');
    expect(() => findPresetDir('no-such-preset', scratch)).toThrow(/unknown preset "no-such-preset" \(known: .*mini-shell/);
  });
});

describe('the shipped mini-setup preset', () => {
  it('loads: three phases with checkpoints, a blank disk booted first, a followed kernel package', () => {
    const { preset, sources } = loadPreset(join(PROJECT_PRESETS, 'mini-setup'));
    expect(preset.phases.map((p) => p.name)).toEqual(['setup', 'boot', 'shell']);
    expect(markerPhases(preset)[0]!.checkpoints).toEqual(['bootgate-setup: started', 'bootgate-setup: partitioned', 'bootgate-setup: installed']);
    expect(markerPhases(preset)[0]!.marker).toBe('bootgate-setup: rebooting');
    expect(preset.media).toEqual({ disk: { sizeMiB: 64 }, bootOrder: ['disk', 'cdrom'] });
    expect(preset.recipe.packages.find((p) => p.name === 'linux-image-686')?.follow).toBe('depends');
    expect(sources).toEqual(['init', 'target/extlinux.conf', 'target/initrd-init', 'target/inittab', 'target/profile']);
    const known = listProfileNames();
    for (const p of [...preset.profiles.claimed, ...preset.profiles.incompatible.map((i) => i.profile)]) expect(known).toContain(p);
  });

  it('rejects modules from a package the recipe does not list', () => {
    const dir = join(scratch, 'setup', 'mini-setup');
    mkdirSync(join(dir, '..'), { recursive: true });
    cpSync(join(PROJECT_PRESETS, 'mini-setup'), dir, { recursive: true });
    const file = join(dir, 'preset.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    modules:\n      package: linux-image-686', '    modules:\n      package: linux-modules'));
    expect(loadError(dir).message).toMatch(/preset\.yaml:\d+:\d+: recipe\.initramfs\.modules\.package: package linux-modules is not listed/);
  });
});

describe('the shipped mini-desktop-setup preset', () => {
  it('gates setup, boot, wizard and shell in one scenario: marker phases, then phases of clicks', () => {
    const loaded = loadPreset(join(PROJECT_PRESETS, 'mini-desktop-setup'));
    expect(markerPhases(loaded.preset).map((p) => p.name)).toEqual(['setup', 'boot']);
    const gate = gateScenario(loaded);
    expect(gate.phases.map((p) => [p.name, p.budgetMs, p.guestBudget?.ms])).toEqual([
      ['setup', 240_000, 55_000],
      ['boot', 240_000, 55_000],
      ['wizard', 90_000, 10_000],
      ['shell', 90_000, 10_000],
    ]);
    // A boot is never idle for long; a wizard waiting on its click is.
    expect(gate.phases.map((p) => p.stallMs)).toEqual([20_000, 20_000, undefined, undefined]);
    const clicks = gate.phases.flatMap((p) => p.steps).filter((s) => s.click !== undefined);
    expect(clicks).toHaveLength(5);
  });
});

describe('preset errors name the file and the field, on one line', () => {
  const cases: [string, (y: string) => string, RegExp, RegExp][] = [
    ['a missing budget', (y) => y.replace(/^  imageMiB: 16\n/m, ''), /budgets\.imageMiB/, /expected a number/],
    ['a wrong type', (y) => y.replace('ramMiB: 48', 'ramMiB: lots'), /budgets\.ramMiB/, /expected a number/],
    ['an unknown field', (y) => y.replace('budgets:\n', 'budgets:\n  diskMiB: 3\n'), /budgets/, /unknown field "diskMiB"/],
    ['a bad profile name', (y) => y.replace('claimed: [p2-i440fx', 'claimed: [P2 i440FX'), /profiles\.claimed\.0/, /./],
    ['a kernel from an unlisted package', (y) => y.replace('  kernel:\n    package: debian-installer-12-netboot-i386', '  kernel:\n    package: linux-image-686'), /recipe\.kernel\.package/, /linux-image-686 is not listed in recipe\.packages/],
    ['isolinux without its packages', (y) => y.replace(/    - name: isolinux\n      arch: all\n      why: .*\n/, ''), /recipe\.bootloader\.kind/, /package isolinux is not listed/],
    ['a file with both a source and a package', (y) => y.replace('{ source: inittab,', '{ source: inittab, package: busybox-static, path: /x,'), /recipe\.initramfs\.files\.1\.source/, /either source or package/],
    ['a claimed profile also listed as incompatible', (y) => y.replace('profile: 486-isa', 'profile: p2-i440fx'), /profiles\.incompatible\.0\.profile/, /also claimed/],
    ['a phase with both a marker and steps', (y) => y.replace('    marker: "bootgate-mini-shell: shell ready"', '    marker: "bootgate-mini-shell: shell ready"\n    steps: [{press: enter}]'), /phases\.0/, /./],
    ['a bad volume id', (y) => y.replace('volumeId: BOOTGATE_MINI_SHELL', 'volumeId: mini shell'), /image\.volumeId/, /A-Z/],
  ];
  for (const [what, edit, field, message] of cases) {
    it(what, () => {
      const dir = variant(edit);
      const err = loadError(dir);
      expect(err.message).toContain(join(dir, 'preset.yaml'));
      expect(err.message).toMatch(field);
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain('\n');
    });
  }

  it('points at the line of the bad field', () => {
    const err = loadError(variant((y) => y.replace('ramMiB: 48', 'ramMiB: -1')));
    const line = readFileSync(join(shipped, 'preset.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('ramMiB:')) + 1;
    expect(err.message).toContain(`preset.yaml:${line}:`);
  });

  it('a referenced file that is missing', () => {
    const dir = variant((y) => y);
    rmSync(join(dir, 'inittab'));
    expect(loadError(dir).message).toMatch(/preset\.yaml: recipe\.initramfs\.files\.1\.source: inittab not found/);
  });

  it('a referenced file outside the preset folder', () => {
    const err = loadError(variant((y) => y.replace('source: profile', 'source: ../../profile')));
    expect(err.message).toMatch(/recipe\.initramfs\.files\.2\.source: \.\.\/\.\.\/profile must be a file inside the preset folder/);
  });

  it('a preset whose name differs from its folder', () => {
    const err = loadError(variant((y) => y, 'other-name'));
    expect(err.message).toMatch(/other-name\/preset\.yaml: name: preset "mini-shell" must live in a folder of the same name/);
  });

  it('a YAML syntax error', () => {
    const err = loadError(variant((y) => y.replace('budgets:', 'budgets: [')));
    expect(err.message).toMatch(/preset\.yaml:\d+:\d+: YAML syntax error/);
  });
});
