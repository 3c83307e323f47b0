import { describe, expect, it } from 'vitest';
import { eachLimited } from './each-limited';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('eachLimited', () => {
  it('keeps at most the limit in flight and does every item', async () => {
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await eachLimited([1, 2, 3, 4, 5], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      done.push(n);
      inFlight--;
    });
    expect(peak).toBe(2);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts nothing after a failure and throws only once the items in flight have settled', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    await expect(
      eachLimited([1, 2, 3, 4], 2, async (n) => {
        started.push(n);
        if (n === 1) throw new Error('chunk 1 failed');
        await tick();
        settled.push(n);
      }),
    ).rejects.toThrow('chunk 1 failed');
    expect(started).toEqual([1, 2]);
    expect(settled).toEqual([2]);
  });
});
