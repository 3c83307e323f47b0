/** Segments, message templates and event names: what the config pickers offer. */
import { useMemo } from 'react';
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

/** Segment and template names by id, for the words of steps on a canvas (undefined until loaded or unknown). */
export function useNameLookups() {
  const segments = useSegments();
  const templates = useMessageTemplates();
  return useMemo(
    () => ({
      segmentName: (id: string) => segments.data?.find((s) => s.id === id)?.name,
      templateName: (id: string) => templates.data?.find((t) => t.id === id)?.name,
    }),
    [segments.data, templates.data],
  );
}
