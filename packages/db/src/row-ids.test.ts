import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from './row-ids';

describe('timeOrderedUuid', () => {
  it('is a version-7 UUID whose first 48 bits are the Unix milliseconds', () => {
    const at = Date.UTC(2026, 11, 7, 23, 59, 30, 123);
    const id = timeOrderedUuid(at + 10_000);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at + 10_000);
  });

  it('sorts in the order made, within one millisecond and across many', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) =>
      timeOrderedUuid(Date.UTC(2027, 0, 1) + Math.floor(i / 5_000)),
    );
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes back when the clock does', () => {
    const later = timeOrderedUuid(Date.UTC(2028, 0, 1));
    const after = timeOrderedUuid(Date.UTC(2027, 0, 1));
    expect(after > later).toBe(true);
  });
});
