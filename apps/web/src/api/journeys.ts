/** Journeys: list, detail, create, draft autosave, validate, the launch estimate and publish. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { journeyRoutes, launchEstimateRoutes, type CreateJourneyInput } from '@wakeflow/contracts';
import { callApi } from './client';
import { journeyKeys, versionKeys } from './keys';
import type { JourneyDraft } from './types';

export type { CreateJourneyInput };

/** The workspace's journeys, or with `archived` the archived ones (hidden from the list otherwise). */
export function useJourneys(archived = false) {
  return useQuery({
    queryKey: [...journeyKeys.list(), { archived }],
    queryFn: ({ signal }) => callApi(journeyRoutes.list, { query: { archived }, signal }),
    select: (data) => data.journeys,
  });
}

export function useJourney(id: string) {
  return useQuery({
    queryKey: journeyKeys.detail(id),
    queryFn: ({ signal }) => fetchJourney(id, signal),
    // The editor owns the draft once loaded, so no refetching behind its back (it would fight autosave); and
    // nothing is kept after it closes, so reopening always loads what the server has.
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
}

export function useCreateJourney() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateJourneyInput) => callApi(journeyRoutes.create, { body: input }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
    },
  });
}

export function saveDraft(id: string, draft: JourneyDraft, revision: number) {
  return callApi(journeyRoutes.saveDraft, {
    params: { id },
    body: { graph: draft.graph, settings: draft.settings, revision },
  });
}

export function fetchJourney(id: string, signal?: AbortSignal) {
  return callApi(journeyRoutes.get, { params: { id }, ...(signal ? { signal } : {}) });
}

export function validateDraft(id: string, draft: JourneyDraft, signal?: AbortSignal) {
  return callApi(journeyRoutes.validate, {
    params: { id },
    body: { graph: draft.graph, settings: draft.settings },
    ...(signal ? { signal } : {}),
  });
}

export function usePublishJourney(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (revision: number) => callApi(journeyRoutes.publish, { params: { id }, body: { revision } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: versionKeys.all(id) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
    },
  });
}

/**
 * What publishing the draft would do now (the launch confirmation). Keyed by the revision it was asked for, so a
 * later edit asks again; never refetched in the background, the manager reads one answer.
 */
export function useLaunchEstimate(id: string, revision: number | undefined) {
  return useQuery({
    queryKey: [...journeyKeys.detail(id), 'launch-estimate', revision ?? -1] as const,
    queryFn: ({ signal }) => callApi(launchEstimateRoutes.draft, { params: { id }, signal }),
    enabled: revision !== undefined,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
}

/** Changes a journey's tags (the list's filter); the list and the journey are fetched again. */
export function useUpdateJourneyTags(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tags: string[]) => callApi(journeyRoutes.rename, { params: { id }, body: { tags } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: journeyKeys.list() }),
  });
}
