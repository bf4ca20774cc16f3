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

/** A frame drawn on the page: a canvas holding it at its own size, maybe shown scaled. */
export interface DrawnFrame {
  readonly width: number;
  readonly height: number;
  getBoundingClientRect(): DOMRect;
}

/** The pixel of the frame under a page point, clamped onto the frame. */
export function framePoint(el: DrawnFrame, clientX: number, clientY: number): { x: number; y: number } {
  const r = el.getBoundingClientRect();
  const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.floor(v)), Math.max(0, max - 1));
  return { x: clamp(((clientX - r.left) * el.width) / (r.width || 1), el.width), y: clamp(((clientY - r.top) * el.height) / (r.height || 1), el.height) };
}

/** The box two corners span, either way round, in whole pixels. */
export function spanBox(a: { x: number; y: number }, b: { x: number; y: number }): Box {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x) + 1, height: Math.abs(a.y - b.y) + 1 };
}

/** An SVG rectangle over a frame drawn with viewBox in its own pixels. */
export function svgRect(box: Box, stroke: string, title: string): string {
  return `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="none" stroke-width="2" stroke="${stroke}"><title>${title}</title></rect>`;
}

/** Positions an absolutely placed element over the part of a drawn frame that shows `box`. */
export function placeOver(el: HTMLElement, frame: DrawnFrame, box: Box): void {
  const r = frame.getBoundingClientRect();
  const scaleX = r.width / (frame.width || 1);
  const scaleY = r.height / (frame.height || 1);
  el.style.left = `${box.x * scaleX}px`;
  el.style.top = `${box.y * scaleY}px`;
  el.style.width = `${box.width * scaleX}px`;
  el.style.height = `${box.height * scaleY}px`;
}
