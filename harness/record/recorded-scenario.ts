/**
 * The scenario a recording writes, and saving it: its goldens first, each through the golden
 * store where `run` reads them (the rules of --update-goldens: `<name>.<backend>.png` and its
 * areas beside the scenario's other goldens, never over one that existed before the recording),
 * then the YAML through a rename, so a scenario never names a golden that is not there yet.
 * Goldens an undo took back since the last save are removed again. Three starts: an image (a new
 * scenario), the end of a scenario (its file gets the recorded phases), or another scenario's
 * snapshot point (a new scenario `from:` it).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import { goldenFileName, type GoldenStore } from '../screen/golden-store.js';
import { regionSidecarPath } from '../screen/region-golden.js';
import { saveRegionGolden } from '../repro/save-region-golden.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { Recorder, StepDoc } from './recorder.js';

export type RecordStart =
  | { readonly kind: 'image'; readonly role: 'cdrom' | 'disk' | 'floppy'; readonly image: string; readonly profile?: string; readonly backend: string }
  | { readonly kind: 'append' }
  | { readonly kind: 'from'; readonly scenario: string; readonly snapshot: string };

export interface SavedScenario {
  readonly file: string;
  readonly goldens: readonly string[];
}

export class RecordedScenario {
  /** Goldens this recording wrote: kept while a step names them, removed when an undo took it back. */
  private readonly written = new Set<string>();
  /** The scenario file as it was before the recording, for `append`. */
  private readonly original: string | undefined;

  constructor(
    readonly file: string,
    readonly start: RecordStart,
    /** The output scenario's goldens, in update mode `missing`: a recording never replaces a golden it did not write. */
    readonly goldens: GoldenStore,
  ) {
    this.original = start.kind === 'append' ? readFileSync(file, 'utf8') : undefined;
  }

  /** Whether a golden name is in use: a file of the scenario's that this recording did not write. */
  taken(name: string): boolean {
    return !this.written.has(name) && goldenExists(this.goldens, name);
  }

  /** The scenario as it would be saved now. */
  yaml(recorder: Recorder): string {
    const phases = recorder.phases
      .filter((p) => p.entries.length > 0)
      .map((p) => {
        const budget = recorder.budgetSeconds(p);
        return { name: p.name, ...(budget !== undefined ? { budget: `${budget}s` } : {}), steps: p.entries.flatMap((e) => e.steps) };
      });
    if (this.start.kind === 'append') return appendPhases(this.original!, phases);
    // Beside the scenario or below its folder: a relative path, which moves with the project; elsewhere (a system image) the absolute one.
    const rel = (to: string) => {
      const r = relative(dirname(this.file), to);
      return r.startsWith('..') || isAbsolute(r) ? to : r.split(sep).join('/');
    };
    const head =
      this.start.kind === 'image'
        ? { image: { [this.start.role]: rel(this.start.image) }, ...(this.start.profile ? { profile: this.start.profile } : {}), backends: [this.start.backend] }
        : { from: { scenario: rel(this.start.scenario), snapshot: this.start.snapshot } };
    const body = phases.length === 1 && !phases[0]!.budget ? { steps: phases[0]!.steps } : { phases };
    if (phases.length === 0) return `# recorded by bootgate record: no steps yet\n${stringify(head)}`;
    return `# recorded by bootgate record\n${stringify({ ...head, ...body }, { lineWidth: 0 })}`;
  }

  async save(recorder: Recorder): Promise<SavedScenario> {
    await recorder.closeLastWait();
    if (recorder.entries.length === 0) throw new Error('nothing recorded yet: there is no step to save');
    const keep = new Set<string>();
    const saved: string[] = [];
    for (const golden of recorder.entries.flatMap((e) => e.goldens)) {
      keep.add(golden.name);
      if (this.written.has(golden.name)) continue;
      const { png } = await saveRegionGolden(this.goldens, golden.name, golden.frame, golden.area, { excludes: golden.excludes });
      this.written.add(golden.name);
      saved.push(png);
    }
    const text = this.yaml(recorder);
    writeFileAtomic(this.file, text);
    for (const name of [...this.written].filter((n) => !keep.has(n))) {
      const png = this.goldens.ownPath(name);
      rmSync(regionSidecarPath(png), { force: true });
      rmSync(png, { force: true });
      this.written.delete(name);
    }
    return { file: this.file, goldens: saved };
  }
}

/** This backend's golden of the name, or the one both backends share. */
function goldenExists(store: GoldenStore, name: string): boolean {
  return existsSync(store.ownPath(name)) || existsSync(join(store.dir, store.scenario, goldenFileName(name)));
}

/** The scenario's own text with the recorded phases after its own (its steps become phase `main` when it had no phases). */
function appendPhases(original: string, phases: readonly { name: string; steps: StepDoc[] }[]): string {
  const doc = parseDocument(original);
  if (phases.length === 0) return original;
  if (!isMap(doc.contents)) return original;
  const existing = doc.getIn(['phases'], true);
  if (isSeq(existing)) {
    for (const p of phases) existing.add(doc.createNode(p));
  } else {
    const steps = doc.getIn(['steps'], true);
    doc.deleteIn(['steps']);
    doc.setIn(['phases'], doc.createNode([{ name: 'main', steps: [] }, ...phases]));
    doc.setIn(['phases', 0, 'steps'], steps);
  }
  return doc.toString({ lineWidth: 0 });
}
