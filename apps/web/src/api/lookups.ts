/** Segments, message templates and event names: what the config pickers offer. */
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from './client';
import { lookupKeys } from './keys';
import { messageTemplateSchema, segmentSchema } from './types';

const LOOKUP_STALE_MS = 60_000;

export function useSegments() {
  return useQuery({
    queryKey: lookupKeys.segments,
    queryFn: ({ signal }) =>
      apiRequest('/api/segments', z.object({ segments: z.array(segmentSchema) }), { signal }),
    select: (data) => data.segments,
    staleTime: LOOKUP_STALE_MS,
  });
}

export function useMessageTemplates() {
  return useQuery({
    queryKey: lookupKeys.messageTemplates,
    queryFn: ({ signal }) =>
      apiRequest('/api/templates', z.object({ templates: z.array(messageTemplateSchema) }), { signal }),
    select: (data) => data.templates,
    staleTime: LOOKUP_STALE_MS,
  });
}

export function useEventNames() {
  return useQuery({
    queryKey: lookupKeys.eventNames,
    queryFn: ({ signal }) =>
      apiRequest('/api/event-names', z.object({ events: z.array(z.string()) }), { signal }),
    select: (data) => data.events,
    staleTime: LOOKUP_STALE_MS,
  });
}
