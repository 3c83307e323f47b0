/** A journey's backtest over a past window (docs/backtest.md): the contract's report, fetched when asked for. */
import { useQuery } from '@tanstack/react-query';
import { backtestRoutes, type BacktestRequest } from '@wakeflow/contracts';
import { callApi } from './client';
import { backtestKeys } from './keys';

export function useBacktest(journeyId: string, request: BacktestRequest) {
  return useQuery({
    queryKey: backtestKeys.forWindow(journeyId, request.from, request.to),
    queryFn: ({ signal }) =>
      callApi(backtestRoutes.run, { params: { id: journeyId }, body: request, signal }),
    // A backtest reads history: the answer for a window does not go stale while the page is open.
    staleTime: Infinity,
    retry: false,
  });
}
