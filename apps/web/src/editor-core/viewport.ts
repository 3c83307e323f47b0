/**
 * Where the canvas opens a journey too large to fit readably: at a readable zoom, from its top, and from its left
 * edge when it is wider than the canvas (else centred) as far as the trigger stays in view, so no path starts cut
 * off at the left — a wide journey opened centred on its trigger used to hide its left-hand paths.
 */
export const READABLE_ZOOM = 0.6;
/** Room kept above the first row and beside the leftmost path, in screen pixels. */
const MARGIN = 48;

export interface ElementBox {
  position: { x: number; y: number };
  width?: number;
  height?: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** The opening viewport, or undefined when the whole journey fits at a readable zoom (then fit it to view). */
export function openingViewport(
  elements: readonly ElementBox[],
  canvas: { width: number; height: number },
): Viewport | undefined {
  if (elements.length === 0 || canvas.width <= 0 || canvas.height <= 0) return undefined;
  const left = Math.min(...elements.map((e) => e.position.x));
  const right = Math.max(...elements.map((e) => e.position.x + (e.width ?? 0)));
  const top = Math.min(...elements.map((e) => e.position.y));
  const bottom = Math.max(...elements.map((e) => e.position.y + (e.height ?? 0)));
  const fits = Math.min(
    (canvas.width - 2 * MARGIN) / (right - left || 1),
    (canvas.height - 2 * MARGIN) / (bottom - top || 1),
  );
  if (fits >= READABLE_ZOOM) return undefined;
  const zoom = READABLE_ZOOM;
  const width = (right - left) * zoom;
  if (width <= canvas.width - 2 * MARGIN)
    return { x: (canvas.width - width) / 2 - left * zoom, y: MARGIN - top * zoom, zoom };
  // Wider than the canvas: from the left edge, as long as the first step (the trigger, top row) stays in view.
  const first = elements.reduce((a, b) => (b.position.y < a.position.y ? b : a));
  const firstRight = (first.position.x + (first.width ?? 0)) * zoom;
  const x = Math.min(MARGIN - left * zoom, canvas.width - MARGIN - firstRight);
  return { x, y: MARGIN - top * zoom, zoom };
}
