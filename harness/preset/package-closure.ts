/**
 * The full `Depends` closure of a list of Debian packages, as apt sees it now: every package they
 * depend on (Depends and Pre-Depends, recursively; not Recommends or Suggests), each at apt's
 * candidate version, for one architecture (arch-independent packages come as `all`). An
 * alternative group (`a | b`) takes its first member apt can supply; a virtual package is
 * satisfied by a package already chosen that provides it, else by apt's first provider. A
 * recipe can exclude packages (an initramfs needs no udev, no Mesa DRI drivers): an excluded
 * package is not fetched and its own dependencies are not followed; a group whose members are
 * all excluded is dropped.
 *
 * Done through apt's ordinary client: one `apt-cache show` per breadth-first round (about a
 * second each), plus `apt-cache showpkg` for virtual packages no chosen package provides.
 */
import { execa } from 'execa';
import type { ResolvedPackage } from './recipe-hash.js';

const APT_ENV = { LC_ALL: 'C', LANG: 'C', LANGUAGE: '' };

/** One package's stanza from `apt-cache show`, as far as the closure needs it. */
export interface Stanza {
  readonly name: string;
  readonly arch: string;
  readonly version: string;
  /** Depends and Pre-Depends: groups of alternatives, names only (versions and arch qualifiers dropped). */
  readonly depends: readonly (readonly string[])[];
  /** Names this package provides (virtual packages). */
  readonly provides: readonly string[];
}

/** Pure: the stanzas of `apt-cache show` output. */
export function parseShow(text: string): Stanza[] {
  const out: Stanza[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
      if (m) fields.set((last = m[1]!), m[2]!);
      else if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)!} ${line.trim()}`);
    }
    const name = fields.get('Package');
    const version = fields.get('Version');
    const arch = fields.get('Architecture');
    if (!name || !version || !arch) continue;
    const depends = [...parseRelations(fields.get('Pre-Depends') ?? ''), ...parseRelations(fields.get('Depends') ?? '')];
    const provides = parseRelations(fields.get('Provides') ?? '').flat();
    out.push({ name, arch, version, depends, provides });
  }
  return out;
}

/** Pure: `a (>= 1) | b:any, c` → [[a, b], [c]]. */
export function parseRelations(field: string): string[][] {
  return field
    .split(',')
    .map((group) =>
      group
        .split('|')
        .map((alt) => alt.trim().replace(/\s*\(.*?\)/g, '').replace(/\s*\[.*?\]/g, '').replace(/\s*<.*?>/g, '').replace(/:\S+$/, '').trim())
        .filter(Boolean),
    )
    .filter((g) => g.length > 0);
}

/** Pure: the i386 (or given arch) providers listed under "Reverse Provides:" by `apt-cache showpkg`. */
export function parseReverseProvides(text: string, arch: string): string[] {
  const at = text.indexOf('Reverse Provides:');
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of text.slice(at).split('\n').slice(1)) {
    const m = /^(\S+?)(?::(\S+))? \S+/.exec(line);
    if (m && (m[2] === undefined || m[2] === arch || m[2] === 'all')) out.push(m[1]!);
  }
  return out;
}

export interface ClosureRequest {
  readonly packages: readonly string[];
  readonly exclude: readonly string[];
  readonly arch: string;
}

export interface ClosureResult {
  readonly packages: readonly ResolvedPackage[];
  /** Dependencies dropped because every alternative was excluded: "pkg → dep". */
  readonly dropped: readonly string[];
}

/** Looks packages up in apt; `show` is injectable for tests. */
export type ShowFn = (names: readonly string[], arch: string) => Promise<Stanza[]>;
export type ProvidersFn = (name: string, arch: string) => Promise<string[]>;

export const aptShow: ShowFn = async (names, arch) => {
  if (names.length === 0) return [];
  const args = names.flatMap((n) => [`${n}:${arch}`, `${n}:all`]);
  const run = await execa('apt-cache', ['show', '--no-all-versions', ...args], { env: APT_ENV, reject: false });
  return parseShow(run.stdout);
};

export const aptProviders: ProvidersFn = async (name, arch) => {
  const run = await execa('apt-cache', ['showpkg', `${name}:${arch}`], { env: APT_ENV, reject: false });
  return parseReverseProvides(run.stdout, arch);
};

/**
 * Resolves the closure. Throws when a requested package, or every alternative of a needed group
 * that is not excluded, is unknown to apt.
 */
export async function resolveClosure(req: ClosureRequest, show: ShowFn = aptShow, providers: ProvidersFn = aptProviders): Promise<ClosureResult> {
  const exclude = new Set(req.exclude);
  const chosen = new Map<string, Stanza>();
  const known = new Map<string, Stanza | null>();
  const provided = new Map<string, string>();
  const dropped: string[] = [];
  const lookup = async (names: readonly string[]) => {
    const missing = [...new Set(names)].filter((n) => !known.has(n));
    for (const s of await show(missing, req.arch)) if (!known.get(s.name)) known.set(s.name, s);
    for (const n of missing) if (!known.has(n)) known.set(n, null);
  };

  await lookup(req.packages);
  for (const n of req.packages) if (!known.get(n)) throw new Error(`apt knows no Debian package ${n}:${req.arch}`);
  let queue: { group: readonly string[]; from: string }[] = req.packages.map((n) => ({ group: [n], from: '(recipe)' }));
  while (queue.length > 0) {
    await lookup(queue.flatMap((q) => q.group.filter((n) => !exclude.has(n))));
    const next: Stanza[] = [];
    const choose = (s: Stanza) => {
      if (chosen.has(s.name)) return;
      chosen.set(s.name, s);
      for (const p of s.provides) if (!provided.has(p)) provided.set(p, s.name);
      next.push(s);
    };
    for (const { group, from } of queue) {
      if (group.some((n) => chosen.has(n) || provided.has(n))) continue;
      const usable = group.filter((n) => !exclude.has(n));
      if (usable.length === 0) {
        dropped.push(`${from} → ${group.join(' | ')}`);
        continue;
      }
      const real = usable.find((n) => known.get(n));
      if (real) {
        choose(known.get(real)!);
        continue;
      }
      // Only virtual packages left: the first one some package provides.
      let provider: Stanza | undefined;
      for (const v of usable) {
        const names = (await providers(v, req.arch)).filter((n) => !exclude.has(n));
        await lookup(names);
        const found = names.map((n) => known.get(n)).find((s): s is Stanza => !!s);
        if (found) {
          provider = found;
          break;
        }
      }
      if (!provider) throw new Error(`${from} depends on ${group.join(' | ')}, which apt cannot supply for ${req.arch}`);
      choose(provider);
    }
    queue = next.flatMap((s) => s.depends.map((group) => ({ group, from: s.name })));
  }
  const packages = [...chosen.values()].map((s) => ({ name: s.name, arch: s.arch, version: s.version })).sort((a, b) => (a.name < b.name ? -1 : 1));
  return { packages, dropped };
}
