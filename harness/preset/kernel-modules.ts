/**
 * Picks kernel modules out of an unpacked Debian kernel package: the modules a recipe asks to
 * load plus everything they depend on, read from each module's own .modinfo section (the
 * package ships no modules.dep: depmod runs in its postinst). The guest runs BusyBox `depmod`
 * over what it gets, so modprobe there works from a modules.dep that matches the files.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ModuleSet {
  /** The kernel release the modules are for (the folder under /lib/modules). */
  readonly release: string;
  /** Paths relative to /lib/modules/<release>, sorted. */
  readonly files: readonly string[];
  /** Requested modules that are built into the kernel: nothing to copy, modprobe accepts them. */
  readonly builtin: readonly string[];
}

export class ModuleNotFoundError extends Error {}

/** `ext4`, `ata-piix` and `ata_piix` name the same module. */
export const moduleName = (s: string): string => s.replace(/\.ko$/, '').replace(/-/g, '_');

/**
 * Resolves `load` to module files in `modulesRoot` (an unpacked package's /lib/modules) with
 * their dependencies. Throws ModuleNotFoundError naming the first module that is not there.
 */
export async function collectModules(modulesRoot: string, load: readonly string[]): Promise<ModuleSet> {
  const releases = (await readdir(modulesRoot, { withFileTypes: true })).filter((d) => d.isDirectory());
  if (releases.length !== 1) throw new ModuleNotFoundError(`expected one kernel release in ${modulesRoot}, found ${releases.length}`);
  const release = releases[0]!.name;
  const root = join(modulesRoot, release);
  const byName = new Map<string, string>();
  for (const rel of await listModules(root)) byName.set(moduleName(rel.split('/').at(-1)!), rel);
  const builtinList = await readFile(join(root, 'modules.builtin'), 'utf8').catch(() => '');
  const builtins = new Set(builtinList.split('\n').filter(Boolean).map((l) => moduleName(l.split('/').at(-1)!)));

  const files = new Set<string>();
  const builtin: string[] = [];
  const visit = async (name: string, neededBy?: string): Promise<void> => {
    const rel = byName.get(name);
    if (!rel) {
      if (builtins.has(name)) {
        if (!neededBy) builtin.push(name);
        return;
      }
      throw new ModuleNotFoundError(`kernel module ${name}${neededBy ? ` (needed by ${neededBy})` : ''} is not in kernel ${release}`);
    }
    if (files.has(rel)) return;
    files.add(rel);
    for (const dep of modinfo(await readFile(join(root, rel))).get('depends')?.split(',').filter(Boolean) ?? []) await visit(moduleName(dep), name);
  };
  for (const m of load) await visit(moduleName(m));
  return { release, files: [...files].sort(), builtin };
}

/** Pure: the key=value pairs of an ELF object's .modinfo section (first value wins). */
export function modinfo(elf: Uint8Array): Map<string, string> {
  const b = Buffer.from(elf.buffer, elf.byteOffset, elf.byteLength);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[5] !== 1) throw new Error('not a little-endian ELF file');
  const is64 = b[4] === 2;
  const num = (off: number, wide: boolean) => (wide ? Number(b.readBigUInt64LE(off)) : b.readUInt32LE(off));
  const shoff = num(is64 ? 0x28 : 0x20, is64);
  const shentsize = b.readUInt16LE(is64 ? 0x3a : 0x2e);
  const shnum = b.readUInt16LE(is64 ? 0x3c : 0x30);
  const shstrndx = b.readUInt16LE(is64 ? 0x3e : 0x32);
  const section = (i: number) => {
    const h = shoff + i * shentsize;
    return { name: b.readUInt32LE(h), offset: num(h + (is64 ? 24 : 16), is64), size: num(h + (is64 ? 32 : 20), is64) };
  };
  const strtab = section(shstrndx);
  const info = new Map<string, string>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const nameStart = strtab.offset + s.name;
    if (b.toString('latin1', nameStart, b.indexOf(0, nameStart)) !== '.modinfo') continue;
    for (const pair of b.toString('latin1', s.offset, s.offset + s.size).split('\0')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && !info.has(pair.slice(0, eq))) info.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return info;
}

async function listModules(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listModules(dir, rel)));
    else if (e.name.endsWith('.ko')) out.push(rel);
  }
  return out;
}
