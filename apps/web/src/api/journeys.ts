/** Journeys: list, detail, create, draft autosave, validate and publish. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { journeyRoutes, type CreateJourneyInput } from '@wakeflow/contracts';
import { callApi } from './client';
import { journeyKeys, versionKeys } from './keys';
import type { JourneyDraft } from './types';

export type { CreateJourneyInput };

export function useJourneys() {
  return useQuery({
    queryKey: journeyKeys.list(),
    queryFn: ({ signal }) => callApi(journeyRoutes.list, { signal }),
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
