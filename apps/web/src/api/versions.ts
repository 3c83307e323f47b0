/** Published versions (immutable, so cached for good) and the per-step counts of one version. */
import { useQuery } from '@tanstack/react-query';
import { journeyRoutes, type JourneyStats } from '@wakeflow/contracts';
import { callApi } from './client';
import { statsKeys, versionKeys } from './keys';

export function useVersions(journeyId: string) {
  return useQuery({
    queryKey: versionKeys.all(journeyId),
    queryFn: ({ signal }) => callApi(journeyRoutes.versions, { params: { id: journeyId }, signal }),
    select: (data) => [...data.versions].sort((a, b) => b.version - a.version),
    // No journey chosen (the runs page unfiltered): nothing to ask for, not `/api/journeys//versions`.
    enabled: journeyId !== '',
  });
}

export function useVersion(journeyId: string, version: number | undefined) {
  return useQuery({
    queryKey: versionKeys.detail(journeyId, version ?? -1),
    queryFn: ({ signal }) =>
      callApi(journeyRoutes.version, { params: { id: journeyId, version: version ?? -1 }, signal }),
    enabled: version !== undefined,
    staleTime: Infinity,
  });
}

export const STATS_REFRESH_MS = 5_000;

/**
 * Counts for a published version, refreshed every few seconds. Pass `select` to subscribe to one step's slice:
 * a step's badge then re-renders only when its own numbers change, and the canvas never does.
 */
export function useJourneyStats<T = JourneyStats>(
  journeyId: string,
  version: number | undefined,
  select?: (stats: JourneyStats) => T,
) {
  return useQuery({
    queryKey: statsKeys.forVersion(journeyId, version ?? -1),
    queryFn: ({ signal }) =>
      callApi(journeyRoutes.stats, { params: { id: journeyId }, query: { version }, signal }),
    enabled: version !== undefined,
    refetchInterval: STATS_REFRESH_MS,
    ...(select ? { select } : {}),
  });
}
