/** Segments, message templates and event names: what the config pickers offer. */
import { useQuery } from '@tanstack/react-query';
import { catalogRoutes, segmentRoutes, templateRoutes } from '@wakeflow/contracts';
import { callApi } from './client';
import { lookupKeys } from './keys';

const LOOKUP_STALE_MS = 60_000;

export function useSegments() {
  return useQuery({
    queryKey: lookupKeys.segments,
    queryFn: ({ signal }) => callApi(segmentRoutes.list, { signal }),
    select: (data) => data.segments,
    staleTime: LOOKUP_STALE_MS,
  });
}

export function useMessageTemplates() {
  return useQuery({
    queryKey: lookupKeys.messageTemplates,
    queryFn: ({ signal }) => callApi(templateRoutes.list, { signal }),
    select: (data) => data.templates,
    staleTime: LOOKUP_STALE_MS,
  });
}

export function useEventNames() {
  return useQuery({
    queryKey: lookupKeys.eventNames,
    queryFn: ({ signal }) => callApi(catalogRoutes.eventNames, { signal }),
    select: (data) => data.events,
    staleTime: LOOKUP_STALE_MS,
  });
}
