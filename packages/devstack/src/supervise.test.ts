import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './supervise';

describe('restartDelayMs', () => {
  it('doubles from one second while failures follow each other, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(restartDelayMs(3, 3_000)).toBe(3_000);
  });
});
