/**
 * Where v86's pieces live on this host: the wasm build inside the npm package and Debian's
 * SeaBIOS files. Missing ones are an infra error (the host lacks a package), not a test failure.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, InfraError } from '../../errors.js';
import type { Media } from '../media.js';

export const SEABIOS_BIOS = '/usr/share/seabios/bios.bin';
/** The only VGA BIOS that works in v86: the cirrus and the other SeaVGABIOS builds give a blank screen. */
export const SEABIOS_VGA_BIOS = '/usr/share/seabios/vgabios-stdvga.bin';

// v86 has no "exports" map, so its package.json resolves under both vitest and plain Node.
const v86PackageJson = () => createRequire(import.meta.url).resolve('v86/package.json');

export function v86WasmPath(): string {
  return join(dirname(v86PackageJson()), 'build', 'v86.wasm');
}

/** "v86 0.5.462": the installed package's version, which its saved states are tied to. */
export function v86Version(): string {
  return `v86 ${(JSON.parse(readFileSync(v86PackageJson(), 'utf8')) as { version: string }).version}`;
}

/** Every file v86 needs from the host, with what installs it; `bootgate doctor` lists the same. */
export function v86HostFiles(paths: { wasmPath: string; biosPath: string; vgaBiosPath: string }): { what: string; path: string; fix: string }[] {
  return [
    { what: 'v86 wasm build', path: paths.wasmPath, fix: 'npm install v86' },
    { what: 'SeaBIOS', path: paths.biosPath, fix: 'apt-get install seabios' },
    { what: 'SeaBIOS std VGA BIOS', path: paths.vgaBiosPath, fix: 'apt-get install seabios' },
  ];
}

export function checkHostFiles(paths: { wasmPath: string; biosPath: string; vgaBiosPath: string }): void {
  for (const { what, path, fix } of v86HostFiles(paths)) {
    if (!existsSync(path)) throw new InfraError(`v86 needs the ${what} at ${path}, which is missing: ${fix}`);
  }
}

/** Sizes of every attached image; a missing image is the scenario's fault, so a ConfigError. */
export function statMedia(media: Media): { cdrom?: number; disk?: number } {
  const sizes: { cdrom?: number; disk?: number } = {};
  for (const field of ['cdrom', 'floppy', 'disk', 'kernel', 'initrd'] as const) {
    const path = media[field];
    if (path === undefined) continue;
    let size: number;
    try {
      size = statSync(path).size;
    } catch (error) {
      throw new ConfigError(`image ${path} cannot be read: ${(error as Error).message}`, { field: `media.${field}` }, { cause: error });
    }
    if (field === 'cdrom' || field === 'disk') sizes[field] = size;
  }
  return sizes;
}
