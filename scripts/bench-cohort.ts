/**
 * `pnpm bench cohort`: the cohort executor's figures (bulk entry rate, Temporal work per customer against per-customer
 * runs, worker memory, event → action inside a cohort). The body lives in apps/worker/bench/cohort.bench.ts, where its
 * imports (the channels and nodes packages) resolve; its settings are documented there.
 */
await import('../apps/worker/bench/cohort.bench');
export {};
