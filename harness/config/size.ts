/** Sizes in scenario and preset files: `16MiB`, `700MiB`, `1440KiB`, `650MB` (SI units are powers of 1000). */
const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3,
};

export const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/;

export function parseSize(text: string): number {
  const m = SIZE_PATTERN.exec(text.trim());
  if (!m) throw new Error(`not a size: ${JSON.stringify(text)} (use e.g. 1440KiB, 16MiB, 700MiB)`);
  return Math.floor(Number(m[1]) * UNIT_BYTES[m[2]!]!);
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
