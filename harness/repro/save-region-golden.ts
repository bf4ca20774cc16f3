/**
 * Saves a region golden from a repro session: the frame as `<name>.<backend>.png` through the
 * golden store, with a sidecar naming one area; or (`add`) one more area on an existing region
 * golden, its pixels taken from the frame into the golden where the area lies, the other areas
 * and the rest of the picture kept. The sidecar goes first and is put back if the PNG cannot be
 * written, so the PNG appearing completes the pair. Only as the update mode allows: a new golden
 * with `missing` or more, one that exists (this backend's, or the shared one it would shadow)
 * with `changed` or `all`, unless this session created it (`own`: more areas on a golden just
 * recorded are part of recording it). `excludes`: parts of a new golden that do not count (the
 * pointer's cursor, for the recorder).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { goldenNameSchema } from '../config/value-schemas.js';
import { readYamlFile } from '../config/yaml-file.js';
import { ConfigError } from '../errors.js';
import type { RawImage } from '../machine/raw-image.js';
import type { Rect } from '../machine/same-frame.js';
import type { RegionArea } from '../screen/find-region.js';
import type { GoldenStore } from '../screen/golden-store.js';
import { checkRegionSpec, regionSidecarPath, regionSpecSchema, updateAreas, writeRegionSidecar, type RegionSpec } from '../screen/region-golden.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

export interface SavedRegionGolden {
  readonly png: string;
  readonly sidecar: string;
  readonly status: 'created' | 'updated';
}

export async function saveRegionGolden(store: GoldenStore, name: string, frame: RawImage, area: RegionArea, options: { readonly add?: boolean; readonly own?: boolean; readonly excludes?: readonly Rect[] } = {}): Promise<SavedRegionGolden> {
  if (!goldenNameSchema.safeParse(name).success) throw new ConfigError(`golden name "${name}": letters, digits, dot, dash and underscore`, { field: 'region' });
  const parsed = regionSpecSchema.safeParse({ areas: [area], ...(options.excludes?.length ? { excludes: options.excludes } : {}) });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.slice(2).join('.') || 'area'}: ${i.message}`).join('; '), { field: 'region' });
  const png = store.ownPath(name);
  const sidecar = regionSidecarPath(png);
  checkRegionSpec(parsed.data, frame, sidecar);
  const existing = await store.load(name);
  let spec: RegionSpec = parsed.data;
  let image = frame;
  if (options.add) {
    if (!existing.image || !existing.sidecar) throw new ConfigError(`golden ${name} has no areas to add to: record it first with region ${name} X Y W H (or at X Y)`, { field: 'region' });
    if (existing.image.width !== frame.width || existing.image.height !== frame.height) {
      throw new ConfigError(`the screen is ${frame.width}×${frame.height}, golden ${name} ${existing.image.width}×${existing.image.height}: an area added must come from a screen of its size`, { field: 'region' });
    }
    const old = readYamlFile(existing.sidecar, regionSpecSchema);
    spec = { areas: [...old.areas, area], excludes: old.excludes };
    // The new area's pixels from the screen, where it lies; the rest is the golden as it was.
    image = updateAreas(existing.image, frame, { areas: [area], excludes: [] }, []);
  }
  if (!store.mayWrite(existing.image && !(options.add && options.own) ? 'changed' : 'missing')) {
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
    const { status } = await store.write(name, image);
    return { png, sidecar, status };
  } catch (e) {
    if (before) writeFileAtomic(sidecar, before);
    else rmSync(sidecar, { force: true });
    throw e;
  }
}
