/** `api_trigger`: customers entered by an API call. */
import { z } from 'zod';
import { defineNode } from '../define-node';

export const apiTrigger = defineNode({
  type: 'api_trigger',
  version: 1,
  role: 'trigger',
  config: z.object({}),
  palette: {
    label: 'API',
    description: 'Customers entered by an API call',
    icon: 'code',
    category: 'trigger',
    color: '#7c3aed',
  },
  outcomes: ['next'],
  describe: () => 'When entered through the API',
});
