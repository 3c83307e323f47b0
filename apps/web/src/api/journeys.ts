/** Journeys: list, detail, create, draft autosave, validate and publish. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import type { JourneyGraph, JourneySettings } from '@wakeflow/journey';
import { apiRequest } from './client';
import { journeyKeys, versionKeys } from './keys';
import {
  journeyDetailSchema,
  journeySummarySchema,
  problemsResponseSchema,
  type JourneyDraft,
} from './types';

export function useJourneys() {
  return useQuery({
    queryKey: journeyKeys.list(),
    queryFn: ({ signal }) =>
      apiRequest('/api/journeys', z.object({ journeys: z.array(journeySummarySchema) }), { signal }),
    select: (data) => data.journeys,
  });
}

export function useJourney(id: string) {
  return useQuery({
    queryKey: journeyKeys.detail(id),
    queryFn: ({ signal }) =>
      apiRequest(`/api/journeys/${encodeURIComponent(id)}`, journeyDetailSchema, { signal }),
    // The editor owns the draft once loaded, so no refetching behind its back (it would fight autosave); and
    // nothing is kept after it closes, so reopening always loads what the server has.
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
}

export interface CreateJourneyInput {
  name: string;
  description?: string;
  templateId?: string;
  graph?: JourneyGraph;
  settings?: JourneySettings;
}

export function useCreateJourney() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateJourneyInput) =>
      apiRequest('/api/journeys', journeyDetailSchema, { method: 'POST', body: input }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
    },
  });
}

export function saveDraft(id: string, draft: JourneyDraft, revision: number) {
  return apiRequest(`/api/journeys/${encodeURIComponent(id)}/draft`, z.object({ revision: z.number() }), {
    method: 'PUT',
    body: { graph: draft.graph, settings: draft.settings, revision },
  });
}

export function fetchJourney(id: string) {
  return apiRequest(`/api/journeys/${encodeURIComponent(id)}`, journeyDetailSchema);
}

export function validateDraft(id: string, draft: JourneyDraft, signal?: AbortSignal) {
  return apiRequest(`/api/journeys/${encodeURIComponent(id)}/validate`, problemsResponseSchema, {
    method: 'POST',
    body: { graph: draft.graph, settings: draft.settings },
    ...(signal ? { signal } : {}),
  });
}

export function usePublishJourney(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (revision: number) =>
      apiRequest(
        `/api/journeys/${encodeURIComponent(id)}/publish`,
        z.object({ version: z.number(), planHash: z.string() }),
        {
          method: 'POST',
          body: { revision },
        },
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: versionKeys.all(id) });
      void queryClient.invalidateQueries({ queryKey: journeyKeys.list() });
    },
  });
}
