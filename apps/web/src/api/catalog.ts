/** The node catalog and journey templates: static per deployment, so fetched once and kept. */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { catalogRoutes } from '@wakeflow/contracts';
import { createEditorCatalog } from '../editor-core';
import { callApi } from './client';
import { catalogKeys, journeyTemplateKeys } from './keys';

export function useNodeCatalog() {
  return useQuery({
    queryKey: catalogKeys.all,
    queryFn: ({ signal }) => callApi(catalogRoutes.nodeCatalog, { signal }),
    select: (data) => data.nodes,
    staleTime: Infinity,
  });
}

export function useJourneyTemplates() {
  return useQuery({
    queryKey: journeyTemplateKeys.all,
    queryFn: ({ signal }) => callApi(catalogRoutes.journeyTemplates, { signal }),
    select: (data) => data.templates,
    staleTime: Infinity,
  });
}

/** The node catalog as the canvas reads it, once loaded. */
export function useEditorCatalog() {
  const catalogQuery = useNodeCatalog();
  return useMemo(
    () => (catalogQuery.data ? createEditorCatalog(catalogQuery.data) : undefined),
    [catalogQuery.data],
  );
}
