/**
 * sharp (libvips) is loaded on first use: loading it costs tens of ms of CPU and ~20 MiB resident,
 * and a passing job never needs it (only a filmstrip does).
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
