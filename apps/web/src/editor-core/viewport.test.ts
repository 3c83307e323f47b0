import { describe, expect, it } from 'vitest';
import { canonicalGraph, testCatalog } from './fixtures';
import { graphToFlow } from './flow';
import { collapseAllPaths } from './collapse';
import { largeJourney } from './fixtures/large-journey';
import { fitViewport, MIN_FIT_ZOOM, openingViewport, READABLE_ZOOM } from './viewport';

const box = (x: number, y: number, width = 240, height = 90) => ({ position: { x, y }, width, height });

describe('openingViewport', () => {
  it('leaves a journey that fits readably to fit-to-view', () => {
    expect(openingViewport([box(0, 0), box(0, 200)], { width: 900, height: 700 })).toBeUndefined();
  });

  it('opens a tall journey at a readable zoom from its top, centred when it is narrow enough', () => {
    const tall = Array.from({ length: 40 }, (_, i) => box(-120, i * 150));
    const v = openingViewport(tall, { width: 900, height: 700 })!;
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.y).toBe(48);
    // Centred: as much room left of the column as right of it.
    const leftRoom = v.x + -120 * v.zoom;
    const rightRoom = 900 - (v.x + 120 * v.zoom);
    expect(leftRoom).toBeCloseTo(rightRoom);
  });

  it('opens a journey wider than the canvas at its left edge, so no left path starts cut off', () => {
    const wide = [
      box(0, -10),
      box(-1000, 0),
      box(1400, 0),
      ...Array.from({ length: 30 }, (_, k) => box(0, k * 150)),
    ];
    const v = openingViewport(wide, { width: 900, height: 700 })!;
    expect(-1000 * v.zoom + v.x).toBe(48);
    // …but never so far that the trigger (top row) leaves the canvas.
    const wider = [box(0, -10), box(-3000, 0), ...Array.from({ length: 30 }, (_, k) => box(0, k * 150))];
    const w = openingViewport(wider, { width: 900, height: 700 })!;
    expect(240 * w.zoom + w.x).toBeCloseTo(900 - 48);
  });

  it('opens the canonical journey in a small canvas with its leftmost path in view', () => {
    const view = graphToFlow(canonicalGraph, testCatalog);
    const v = openingViewport(view.nodes, { width: 700, height: 500 });
    const leftmost = Math.min(...view.nodes.map((n) => n.position.x));
    if (v) expect(leftmost * v.zoom + v.x).toBeGreaterThanOrEqual(0);
  });
});

describe('fitViewport', () => {
  const canvas = { width: 850, height: 700 };

  it('fits a small journey whole, centred, never enlarged past its natural size', () => {
    const v = fitViewport(graphToFlow(canonicalGraph, testCatalog).nodes, canvas)!;
    expect(v.zoom).toBeGreaterThanOrEqual(MIN_FIT_ZOOM);
    expect(v.zoom).toBeLessThanOrEqual(1);
    const tiny = fitViewport([box(0, 0)], canvas)!;
    expect(tiny.zoom).toBe(1);
    expect(tiny.x + 120).toBe(canvas.width / 2);
  });

  it('shows the 301-step journey from its entry at a readable zoom, not shrunk to unreadable cards', () => {
    const view = graphToFlow(largeJourney(300), testCatalog);
    const v = fitViewport(view.nodes, canvas)!;
    expect(v.zoom).toBe(MIN_FIT_ZOOM);
    const trigger = view.layout.steps.get('trigger')!;
    expect((trigger.x + trigger.width / 2) * v.zoom + v.x).toBe(canvas.width / 2);
    expect(trigger.y * v.zoom + v.y).toBe(48);
  });

  it('fits the 301-step journey whole once its paths are folded', () => {
    const graph = largeJourney(300);
    const view = graphToFlow(graph, testCatalog, { collapsed: collapseAllPaths(graph) });
    const v = fitViewport(view.nodes, canvas)!;
    expect(v.zoom).toBeGreaterThan(MIN_FIT_ZOOM);
    for (const n of view.nodes) {
      expect(n.position.x * v.zoom + v.x).toBeGreaterThanOrEqual(0);
      expect((n.position.x + n.width!) * v.zoom + v.x).toBeLessThanOrEqual(canvas.width);
      expect((n.position.y + n.height!) * v.zoom + v.y).toBeLessThanOrEqual(canvas.height);
    }
  });
});
