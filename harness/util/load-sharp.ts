/**
 * sharp (libvips) costs 67–100 ms of CPU and ~20 MiB resident to load: it is loaded on first use,
 * which a passing job never comes to (its PNGs go through png-codec.ts). A failing job's
 * filmstrip, and a golden of a kind png-codec does not decode, load it.
 */
import { createRequire } from 'node:module';
import type SharpType from 'sharp';

let loading: Promise<typeof SharpType> | undefined;

export function loadSharp(): Promise<typeof SharpType> {
  // require, not import(): sharp is CommonJS, and the CLI bundle runs as a vm.Script
  // (bin/bootgate.js) or from a startup snapshot (bin/bootgate), where import() has no loader.
  loading ??= Promise.resolve().then(() => {
    const sharp = createRequire(import.meta.url)('sharp') as typeof SharpType;
    // Frames are small and never decoded twice: libvips' operation cache and thread pool would
    // only add tens of MiB of resident memory beside each emulator.
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}
