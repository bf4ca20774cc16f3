/**
 * Saves a region golden from a repro session: the frame as `<name>.<backend>.png` through the
 * golden store, with a sidecar naming one area. The sidecar goes first and is put back if the PNG
 * cannot be written, so the PNG appearing completes the pair. Only as the update mode allows: a
 * new golden with `missing` or more, one that exists (this backend's, or the shared one it would
 * shadow) with `changed` or `all`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { goldenNameSchema } from '../config/value-schemas.js';
import { ConfigError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import type { RegionArea } from '../screen/find-region.js';
import type { GoldenStore } from '../screen/golden-store.js';
import { checkRegionSpec, regionSidecarPath, regionSpecSchema, writeRegionSidecar } from '../screen/region-golden.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

export interface SavedRegionGolden {
  readonly png: string;
  readonly sidecar: string;
  readonly status: 'created' | 'updated';
}

export async function saveRegionGolden(store: GoldenStore, name: string, frame: RawImage, area: RegionArea): Promise<SavedRegionGolden> {
  if (!goldenNameSchema.safeParse(name).success) throw new ConfigError(`golden name "${name}": letters, digits, dot, dash and underscore`, { field: 'region' });
  const parsed = regionSpecSchema.safeParse({ areas: [area] });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.slice(2).join('.') || 'area'}: ${i.message}`).join('; '), { field: 'region' });
  const png = store.ownPath(name);
  const sidecar = regionSidecarPath(png);
  const spec = checkRegionSpec(parsed.data, frame, sidecar);
  const existing = await store.load(name);
  if (!store.mayWrite(existing.image ? 'changed' : 'missing')) {
    throw new ConfigError(
      existing.image
        ? `golden ${name} exists (${existing.path}); --update-goldens=changed or all replaces it`
        : 'saving a golden needs --update-goldens (missing for a new one; changed or all also replace one)',
      { field: '--update-goldens' },
    );
  }
  const before = existsSync(sidecar) ? readFileSync(sidecar) : undefined;
  writeRegionSidecar(png, spec);
  try {
    const { status } = await store.write(name, frame);
    return { png, sidecar, status };
  } catch (e) {
    if (before) writeFileAtomic(sidecar, before);
    else rmSync(sidecar, { force: true });
    throw e;
  }
}
