/**
 * Where the canvas opens a journey too large to fit readably: at a readable zoom, from its top, and from its left
 * edge when it is wider than the canvas (else centred) as far as the trigger stays in view, so no path starts cut
 * off at the left — a wide journey opened centred on its trigger used to hide its left-hand paths.
 */
export const READABLE_ZOOM = 0.6;
/**
 * Below the readable zoom a step shows as a compact block, its name alone in large type (26 px, `.canvas-compact`
 * in the stylesheet), since the card's 14 px name and 12.5 px summary would shrink to specks.
 */
export const COMPACT_ZOOM = READABLE_ZOOM;
/** Fit-to-view never zooms out further than this: a compact block's name is still 26 × 0.45 ≈ 12 px on screen. */
export const MIN_FIT_ZOOM = 0.45;
/** Fit-to-view never enlarges a small journey beyond its natural size. */
const MAX_FIT_ZOOM = 1;
/** Room kept above the first row and beside the leftmost path, in screen pixels. */
const MARGIN = 48;

export interface ElementBox {
  position: { x: number; y: number };
  width?: number;
  height?: number;
}

/** The canvas pane's size on screen. */
export interface CanvasSize {
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

interface Extent {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function extentOf(elements: readonly ElementBox[]): Extent {
  return {
    left: Math.min(...elements.map((e) => e.position.x)),
    right: Math.max(...elements.map((e) => e.position.x + (e.width ?? 0))),
    top: Math.min(...elements.map((e) => e.position.y)),
    bottom: Math.max(...elements.map((e) => e.position.y + (e.height ?? 0))),
  };
}

/** The zoom at which the whole extent fits the canvas inside its margins. */
function fittingZoom({ left, right, top, bottom }: Extent, canvas: CanvasSize): number {
  return Math.min(
    (canvas.width - 2 * MARGIN) / (right - left || 1),
    (canvas.height - 2 * MARGIN) / (bottom - top || 1),
  );
}

/** The journey's extent and the zoom that fits it, or undefined with nothing to show or no canvas yet. */
function sizeUp(
  elements: readonly ElementBox[],
  canvas: CanvasSize,
): (Extent & { fits: number }) | undefined {
  if (elements.length === 0 || canvas.width <= 0 || canvas.height <= 0) return undefined;
  const extent = extentOf(elements);
  return { ...extent, fits: fittingZoom(extent, canvas) };
}

/** The journey's entry: its first element from the top (the trigger, or the slot for one). */
function entryOf(elements: readonly ElementBox[]): ElementBox {
  return elements.reduce((a, b) => (b.position.y < a.position.y ? b : a));
}

/**
 * Fit to view that stays readable: the whole journey, centred, when it fits at `MIN_FIT_ZOOM` or more (never
 * enlarged past its natural size); else at `MIN_FIT_ZOOM` from its top with the entry centred, so the names on
 * screen stay readable and the journey reads on from its start (fold its paths to see more of it at once).
 */
export function fitViewport(elements: readonly ElementBox[], canvas: CanvasSize): Viewport | undefined {
  const extent = sizeUp(elements, canvas);
  if (!extent) return undefined;
  if (extent.fits >= MIN_FIT_ZOOM) {
    const fits = extent.fits;
    const zoom = Math.min(fits, MAX_FIT_ZOOM);
    return {
      x: canvas.width / 2 - ((extent.left + extent.right) / 2) * zoom,
      y: canvas.height / 2 - ((extent.top + extent.bottom) / 2) * zoom,
      zoom,
    };
  }
  const zoom = MIN_FIT_ZOOM;
  const entry = entryOf(elements);
  const entryCentre = entry.position.x + (entry.width ?? 0) / 2;
  return { x: canvas.width / 2 - entryCentre * zoom, y: MARGIN - extent.top * zoom, zoom };
}

/** The opening viewport, or undefined when the whole journey fits at a readable zoom (then fit it to view). */
export function openingViewport(elements: readonly ElementBox[], canvas: CanvasSize): Viewport | undefined {
  const sized = sizeUp(elements, canvas);
  if (!sized || sized.fits >= READABLE_ZOOM) return undefined;
  const { left, right, top } = sized;
  const zoom = READABLE_ZOOM;
  const width = (right - left) * zoom;
  if (width <= canvas.width - 2 * MARGIN)
    return { x: (canvas.width - width) / 2 - left * zoom, y: MARGIN - top * zoom, zoom };
  // Wider than the canvas: from the left edge, as long as the first step (the trigger, top row) stays in view.
  const first = entryOf(elements);
  const firstRight = (first.position.x + (first.width ?? 0)) * zoom;
  const x = Math.min(MARGIN - left * zoom, canvas.width - MARGIN - firstRight);
  return { x, y: MARGIN - top * zoom, zoom };
}
