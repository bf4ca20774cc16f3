/**
 * manifest.json, written beside every built image: what went into it (preset, recipe hash,
 * Debian package versions, source file digests, host tool versions) and what came out
 * (file, size, sha256), and when and how long the build took.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as z from 'zod';

export const MANIFEST_FILE = 'manifest.json';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const manifestSchema = z.object({
  preset: z.string(),
  hash: hex64,
  builderVersion: z.string(),
  image: z.object({ file: z.string().regex(/^[^/]+$/), kind: z.string(), sizeBytes: z.number().int().nonnegative(), sha256: hex64 }),
  packages: z.array(z.object({ name: z.string(), arch: z.string(), version: z.string(), via: z.string().optional(), debSha256: hex64.optional() })),
  sources: z.array(z.object({ path: z.string(), sha256: hex64 })),
  commandLine: z.string(),
  tools: z.record(z.string(), z.string()),
  builtAt: z.string(),
  buildMs: z.number().nonnegative(),
});

export type ImageManifest = z.output<typeof manifestSchema>;

export async function writeManifest(file: string, manifest: ImageManifest): Promise<void> {
  await writeFile(file, JSON.stringify(manifest, null, 2) + '\n');
}

/** The manifest, or undefined when it is missing or not a manifest (a cache entry that does not count). */
export async function readManifest(file: string): Promise<ImageManifest | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
