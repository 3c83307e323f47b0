/**
 * Node flags of the processes that run backtests: the API (its backtest route), `pnpm backtest` and the backtest
 * benchmark. A backtest allocates a short-lived object or more per event and per run step (20M events, 5.6M runs at
 * 1M customers), and V8's default young generation (16 MiB semi-spaces) promoted many of them before they died, so
 * the collector took a third of the CPU. 64 MiB semi-spaces: 1M / 20M backtest measured in docs/backtest.md. The
 * API's Dockerfile and the `backtest` script of package.json repeat these flags; scripts/docker.test.ts checks they
 * agree with this list.
 */
export const backtestNodeFlags = ['--max-semi-space-size=64'] as const;
