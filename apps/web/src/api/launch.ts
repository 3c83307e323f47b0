/** Launch control: a journey's lifecycle (status, pause/resume/stop/archive, duplicate), its audience check, and taking a customer out of a run. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  audienceRoutes,
  journeyRoutes,
  runRoutes,
  segmentRoutes,
  type LifecycleAnswer,
} from '@wakeflow/contracts';
import type { LifecycleAction } from '@wakeflow/journey';
import { callApi } from './client';
import { journeyKeys } from './keys';
import { runKeys } from './review';

export const launchKeys = {
  status: (journeyId: string) => ['journeys', journeyId, 'lifecycle'] as const,
  audienceCheck: (journeyId: string) => ['journeys', journeyId, 'audience-check'] as const,
  audienceSize: (segmentId: string) => ['segments', segmentId, 'size'] as const,
};

/** The journey's status as it is now (the editor's own copy of the journey is loaded once and kept). */
export function useJourneyStatus(journeyId: string) {
  return useQuery({
    queryKey: launchKeys.status(journeyId),
    queryFn: ({ signal }) => callApi(journeyRoutes.get, { params: { id: journeyId }, signal }),
    select: (j) => ({
      status: j.status,
      lifecycle: j.lifecycle ?? j.status,
      liveVersion: j.liveVersion ?? null,
    }),
    refetchInterval: 30_000,
  });
}

export function useLifecycleAction(journeyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: LifecycleAction): Promise<LifecycleAnswer> =>
      callApi(journeyRoutes.lifecycle, { params: { id: journeyId }, body: { action } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: launchKeys.status(journeyId) });
      void queryClient.invalidateQueries({ queryKey: launchKeys.audienceCheck(journeyId) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
    },
  });
}

export function useDuplicateJourney() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (journeyId: string) =>
      callApi(journeyRoutes.duplicate, { params: { id: journeyId }, body: {} }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: journeyKeys.list() }),
  });
}

/** How long after "Check now" the strip keeps looking every 2 s for the check it asked for. */
const ASKED_CHECK_WAIT_MS = 60_000;

/**
 * The journey's audience check. `askedAt`: when "Check now" was answered — until a check that started since then is
 * recorded (or a minute passed), look every 2 s, so the manager sees the check they asked for.
 */
export function useAudienceCheck(journeyId: string, enabled: boolean, askedAt?: number) {
  return useQuery({
    queryKey: launchKeys.audienceCheck(journeyId),
    queryFn: ({ signal }) => callApi(audienceRoutes.audienceCheck, { params: { id: journeyId }, signal }),
    enabled,
    // A check in progress finishes within seconds; otherwise a minute is fresh enough for "last / next".
    refetchInterval: (query) => {
      const last = query.state.data?.last;
      if (last?.status === 'running') return 2_000;
      const awaiting =
        askedAt !== undefined &&
        Date.now() - askedAt < ASKED_CHECK_WAIT_MS &&
        (!last || Date.parse(last.startedAt) < askedAt - 1_000);
      return awaiting ? 2_000 : 60_000;
    },
  });
}

export function useCheckAudienceNow(journeyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callApi(audienceRoutes.checkAudienceNow, { params: { id: journeyId } }),
    onSuccess: () => {
      // The sweep starts within a moment: look again soon.
      setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: launchKeys.audienceCheck(journeyId) }),
        1_500,
      );
    },
  });
}

/** How many customers the segment holds now, for the time the audience takes to enter at the entry rate. */
export function useAudienceSize(segmentId: string | undefined) {
  return useQuery({
    queryKey: launchKeys.audienceSize(segmentId ?? ''),
    queryFn: ({ signal }) =>
      callApi(segmentRoutes.preview, {
        body: { definition: { kind: 'segment', segmentId, member: true }, sampleSize: 0 },
        signal,
      }),
    enabled: segmentId !== undefined,
    select: (p) => p.count,
    staleTime: 60_000,
  });
}

/** Takes the customer out of a running run (support asked): it ends `removed` at its next step. */
export function useRemoveFromRun(runId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => callApi(runRoutes.remove, { params: { id: runId }, body: { reason } }),
    onSuccess: () => {
      // The run ends within a moment of the signal.
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: runKeys.all }), 1_000);
    },
  });
}
