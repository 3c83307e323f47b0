/** The node catalog and journey templates: static per deployment, so fetched once and kept. */
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from './client';
import { catalogKeys, journeyTemplateKeys } from './keys';
import { catalogResponseSchema, journeyTemplateSchema } from './types';

export function useNodeCatalog() {
  return useQuery({
    queryKey: catalogKeys.all,
    queryFn: ({ signal }) => apiRequest('/api/node-catalog', catalogResponseSchema, { signal }),
    select: (data) => data.nodes,
    staleTime: Infinity,
  });
}

export function useJourneyTemplates() {
  return useQuery({
    queryKey: journeyTemplateKeys.all,
    queryFn: ({ signal }) =>
      apiRequest('/api/journey-templates', z.object({ templates: z.array(journeyTemplateSchema) }), {
        signal,
      }),
    select: (data) => data.templates,
    staleTime: Infinity,
  });
}
