/**
 * Analytics benchmark: results of a journey with 1,000,000 runs and 5,000,000 messages, the BG/NBD fit on CDNOW
 * master, and the A/A false-winner rate. The code lives in packages/analytics/bench/ so it resolves that package's
 * dependencies; run it with `pnpm exec tsx scripts/bench-analytics.ts` (BENCH_RUNS to change the size).
 */
await import('../packages/analytics/bench/analytics');

export {};
