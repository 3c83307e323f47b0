import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter';

describe('rate limiter', () => {
  it('passes a burst of one second’s worth, then spaces calls, and hands back long waits', async () => {
    let t = 0;
    const limiter = createRateLimiter(() => t);
    for (let i = 0; i < 10; i++) expect(await limiter.acquire('p', 10, 0)).toEqual({ ok: true });
    expect(await limiter.acquire('p', 10, 0)).toEqual({ ok: false, retryAfterMs: 100 });
    t = 100;
    expect(await limiter.acquire('p', 10, 0)).toEqual({ ok: true });
    expect(await limiter.acquire('other', 10, 0)).toEqual({ ok: true });
  });

  it('absorbs a short wait in-process', async () => {
    const limiter = createRateLimiter();
    await limiter.acquire('q', 50, 1_000);
    const started = Date.now();
    for (let i = 0; i < 55; i++) await limiter.acquire('q', 50, 1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('takes the slots of a batch in one step: those that fit the wait, and when the rest may ask again', async () => {
    let t = 0;
    const limiter = createRateLimiter(() => t);
    // 10/s: a burst of 10, then one every 100 ms; with no wait allowed, 10 of 25.
    expect(await limiter.acquireMany('p', 10, 25, 0)).toEqual({ granted: 10, retryAfterMs: 100 });
    expect(await limiter.acquireMany('p', 10, 5, 0)).toEqual({ granted: 0, retryAfterMs: 100 });
    t = 100;
    // One slot has come free; a wait of up to 200 ms takes two more after it.
    expect(await limiter.acquireMany('p', 10, 5, 200)).toEqual({ granted: 3, retryAfterMs: 300 });
  });
});
