/** The API describing itself: the OpenAPI document generated from this package. */
import { z } from 'zod';
import { defineRoute } from './route';

export const metaRoutes = {
  openApi: defineRoute({
    method: 'get',
    path: '/openapi.json',
    tag: 'Reference',
    summary: 'This document: OpenAPI 3.1, generated from the zod schemas of @wakeflow/contracts',
    responses: { 200: z.object({ openapi: z.string() }).loose() },
  }),
};
