/**
 * The preset builder's own version. It is part of every recipe hash: bump it whenever a change
 * to the builder changes what it puts into an image, so every cached image is rebuilt.
 */
export const BUILDER_VERSION = 'preset-builder/1';
