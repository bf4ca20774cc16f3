/**
 * Boxes in screen pixels (the guest's frame) and on the page (the image as it is drawn, maybe
 * scaled): what a scenario's coordinates and a golden's areas are written in, and where a person
 * points at them.
 */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The pixel of the frame under a page point of an image showing it, clamped onto the frame. */
export function framePoint(img: HTMLImageElement, clientX: number, clientY: number): { x: number; y: number } {
  const r = img.getBoundingClientRect();
  const scaleX = img.naturalWidth / (r.width || 1);
  const scaleY = img.naturalHeight / (r.height || 1);
  const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.floor(v)), Math.max(0, max - 1));
  return { x: clamp((clientX - r.left) * scaleX, img.naturalWidth), y: clamp((clientY - r.top) * scaleY, img.naturalHeight) };
}

/** The box two corners span, either way round, in whole pixels. */
export function spanBox(a: { x: number; y: number }, b: { x: number; y: number }): Box {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x) + 1, height: Math.abs(a.y - b.y) + 1 };
}

/** An SVG rectangle over a frame drawn with viewBox in its own pixels. */
export function svgRect(box: Box, stroke: string, title: string): string {
  return `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="none" stroke-width="2" stroke="${stroke}"><title>${title}</title></rect>`;
}

/** Positions an absolutely placed element over the part of a drawn image that shows `box`. */
export function placeOver(el: HTMLElement, img: HTMLImageElement, box: Box): void {
  const scaleX = img.clientWidth / (img.naturalWidth || 1);
  const scaleY = img.clientHeight / (img.naturalHeight || 1);
  el.style.left = `${box.x * scaleX}px`;
  el.style.top = `${box.y * scaleY}px`;
  el.style.width = `${box.width * scaleX}px`;
  el.style.height = `${box.height * scaleY}px`;
}
