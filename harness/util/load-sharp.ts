/**
 * sharp (libvips) takes tens of milliseconds to load, and no frame is needed before a machine has
 * booted: it is loaded on first use (or prefetched once a machine starts), so the load overlaps
 * with the emulator booting instead of delaying it.
 */
import type SharpType from 'sharp';

let loading: Promise<typeof SharpType> | undefined;

export function loadSharp(): Promise<typeof SharpType> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // Frames are small and never decoded twice: libvips' operation cache and thread pool would
    // only add tens of MiB of resident memory beside each emulator.
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}
