/** API keys: for integrations (ingest, entering customers); shown once at creation, revocable (docs/security.md). */
import { z } from 'zod';
import { defineRoute } from './route';

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  prefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** What a key may do (`GET /api/roles` describes each): machines never approve, manage people or mint keys. */
export const apiKeyScopeIds = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScopeId = (typeof apiKeyScopeIds)[number];

export const createApiKeyBodySchema = z.object({
  name: z.string().trim().min(1, 'Name the key after what uses it').max(200),
  scope: z.enum(apiKeyScopeIds),
});

const tag = 'API keys';

export const apiKeyRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/api-keys',
    tag,
    summary: "The workspace's API keys (never the secret)",
    responses: { 200: z.object({ apiKeys: z.array(apiKeySchema) }) },
  }),
  create: defineRoute({
    method: 'post',
    path: '/api-keys',
    tag,
    summary: 'Create a key; the answer holds the secret, shown this once',
    body: createApiKeyBodySchema,
    responses: { 201: z.object({ apiKey: apiKeySchema, key: z.string(), note: z.string().optional() }) },
  }),
  revoke: defineRoute({
    method: 'delete',
    path: '/api-keys/:id',
    tag,
    summary: 'Revoke a key',
    params: z.object({ id: z.uuid('Not an API key id') }),
    responses: { 204: null },
  }),
};
