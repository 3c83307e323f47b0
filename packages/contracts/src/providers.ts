/**
 * Delivery providers: per-channel settings with write-only secrets, the kinds with their settings/secrets JSON
 * Schemas for the forms, and which provider each channel uses now. The channels package adds the checks only it
 * can make (known kinds, the reserved `log` id) on top of these schemas.
 */
import { z } from 'zod';
import { jsonObjectSchema, timestampSchema } from './common';
import { defineRoute } from './route';

export const providerChannels = ['email', 'sms', 'push', 'webhook'] as const;
export type ProviderChannel = (typeof providerChannels)[number];

export const providerBodySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Use lower-case letters, digits, - and _'),
  channel: z.enum(providerChannels),
  /** One of `GET /api/provider-kinds`. */
  kind: z.string(),
  settings: jsonObjectSchema.default({}),
  /** Write-only. On update, a name set to null removes that secret; names not given keep their value. */
  secrets: z.record(z.string(), z.string().nullable()).default({}),
  unitCostMicros: z.number().int().min(0).default(0),
  isDefault: z.boolean().default(false),
});
export type ProviderInput = z.input<typeof providerBodySchema>;

/**
 * Only what the patch names changes. Spelled out rather than `.partial()` of the input schema: zod v4 still applies
 * the input's defaults inside `.partial()`, which turned a patch of one secret into "settings {}, cost 0, not default".
 */
export const providerPatchSchema = z.object({
  settings: jsonObjectSchema.optional(),
  secrets: z.record(z.string(), z.string().nullable()).optional(),
  unitCostMicros: z.number().int().min(0).optional(),
  isDefault: z.boolean().optional(),
});
export type ProviderPatch = z.input<typeof providerPatchSchema>;

export const providerSchema = z.object({
  id: z.string(),
  channel: z.enum(providerChannels),
  kind: z.string(),
  settings: jsonObjectSchema,
  /** Names of the secrets that have a value; values never leave the server. */
  secretsSet: z.array(z.string()),
  unitCostMicros: z.number(),
  isDefault: z.boolean(),
  updatedAt: timestampSchema,
});
export type Provider = z.infer<typeof providerSchema>;

export const effectiveProviderSchema = z.object({
  channel: z.string(),
  providerId: z.string(),
  kind: z.string(),
  isDevelopmentLog: z.boolean(),
  label: z.string(),
});
export type EffectiveProvider = z.infer<typeof effectiveProviderSchema>;

export const providerKindSchema = z.object({
  kind: z.string(),
  label: z.string(),
  channels: z.array(z.string()),
  settingsSchema: jsonObjectSchema,
  secretsSchema: jsonObjectSchema,
});
export type ProviderKind = z.infer<typeof providerKindSchema>;

const providerAnswer = z.object({ provider: providerSchema });
const providerParams = z.object({ id: z.string().min(1).max(63) });
const tag = 'Providers';

export const providerRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/providers',
    tag,
    summary: 'Configured providers and the one each channel uses now',
    responses: {
      200: z.object({ providers: z.array(providerSchema), effective: z.array(effectiveProviderSchema) }),
    },
  }),
  kinds: defineRoute({
    method: 'get',
    path: '/provider-kinds',
    tag,
    summary: 'Provider kinds with the JSON Schemas of their settings and secrets',
    responses: { 200: z.object({ kinds: z.array(providerKindSchema) }) },
  }),
  create: defineRoute({
    method: 'post',
    path: '/providers',
    tag,
    summary: 'Configure a provider',
    body: providerBodySchema,
    responses: { 201: providerAnswer },
  }),
  get: defineRoute({
    method: 'get',
    path: '/providers/:id',
    tag,
    summary: 'One provider (secrets by name only)',
    params: providerParams,
    responses: { 200: providerAnswer },
  }),
  update: defineRoute({
    method: 'patch',
    path: '/providers/:id',
    tag,
    summary: "Change a provider's settings, secrets, cost or default",
    params: providerParams,
    body: providerPatchSchema,
    responses: { 200: providerAnswer },
  }),
  remove: defineRoute({
    method: 'delete',
    path: '/providers/:id',
    tag,
    summary: 'Remove a provider',
    params: providerParams,
    responses: { 204: null },
  }),
};
