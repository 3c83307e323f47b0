/**
 * Provider settings in the database. Secrets are encrypted with AES-256-GCM before they are written and are
 * never part of what this module returns to the API: callers see which secret names are set, not their values.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import {
  providerBodySchema,
  providerPatchSchema,
  type ProviderInput,
  type ProviderPatch,
} from '@wakeflow/contracts';
import { providers, type Database } from '@wakeflow/db';
import type { SecretKeys } from '../secrets/keys';
import { decryptSecrets, encryptSecrets } from '../secrets/secret-box';
import { LOG_PROVIDER_ID, LOG_PROVIDER_LABEL } from './log';
import { providerKinds } from './kinds';
import type { ProviderChannel } from './types';

type ProviderRow = typeof providers.$inferSelect;

export const providerChannels = ['email', 'sms', 'push', 'webhook'] as const;

/**
 * The HTTP contract's provider body, plus what only this package knows: the kinds it has and the id reserved for
 * the development log provider.
 */
export const providerInputSchema = providerBodySchema.extend({
  id: providerBodySchema.shape.id.refine(
    (id) => id !== LOG_PROVIDER_ID,
    'The id “log” is reserved for the development provider',
  ),
  kind: providerBodySchema.shape.kind.refine((k) => k in providerKinds, 'Unknown provider kind'),
});
export { providerPatchSchema, type ProviderInput, type ProviderPatch };

/** What the API may show of a provider. */
export interface PublicProvider {
  id: string;
  channel: ProviderChannel;
  kind: string;
  settings: Record<string, unknown>;
  /** Names of secrets that are set; their values are never returned. */
  secretsSet: string[];
  unitCostMicros: number;
  isDefault: boolean;
  updatedAt: string;
}

export class ProviderValidationError extends Error {
  constructor(readonly issues: { path: (string | number)[]; message: string }[]) {
    super(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    this.name = 'ProviderValidationError';
  }
}

const aad = (workspaceId: string, providerId: string) => `provider:${workspaceId}:${providerId}`;

export function readProviderSecrets(
  keys: SecretKeys,
  row: Pick<ProviderRow, 'workspaceId' | 'id' | 'secretsEncrypted'>,
): Record<string, string> {
  return row.secretsEncrypted ? decryptSecrets(keys, row.secretsEncrypted, aad(row.workspaceId, row.id)) : {};
}

function toPublic(keys: SecretKeys, row: ProviderRow): PublicProvider {
  let secretsSet: string[];
  try {
    secretsSet = Object.keys(readProviderSecrets(keys, row)).sort();
  } catch {
    secretsSet = ['(unreadable with the current WAKEFLOW_SECRET_KEY)'];
  }
  return {
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    settings: row.settings,
    secretsSet,
    unitCostMicros: row.unitCostMicros,
    isDefault: row.isDefault,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function issuesOf(error: z.ZodError, prefix: string): { path: (string | number)[]; message: string }[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }));
}

function validate(
  kind: string,
  channel: ProviderChannel,
  settings: Record<string, unknown>,
  secrets: Record<string, string>,
): Record<string, unknown> {
  const spec = providerKinds[kind];
  if (!spec) throw new ProviderValidationError([{ path: ['kind'], message: 'Unknown provider kind' }]);
  if (!spec.channels.includes(channel)) {
    throw new ProviderValidationError([
      { path: ['channel'], message: `${spec.label} serves ${spec.channels.join(', ')}, not ${channel}` },
    ]);
  }
  const s = spec.settings.safeParse(settings);
  const x = spec.secrets.safeParse(secrets);
  const issues = [
    ...(s.success ? [] : issuesOf(s.error, 'settings')),
    ...(x.success ? [] : issuesOf(x.error, 'secrets')),
  ];
  if (issues.length || !s.success) throw new ProviderValidationError(issues);
  return s.data;
}

function mergeSecrets(
  current: Record<string, string>,
  changes: Record<string, string | null>,
): Record<string, string> {
  const next = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

export async function createProvider(
  db: Database,
  keys: SecretKeys,
  workspaceId: string,
  input: ProviderInput,
): Promise<PublicProvider> {
  const p = providerInputSchema.parse(input);
  const secrets = mergeSecrets({}, p.secrets);
  const settings = validate(p.kind, p.channel, p.settings, secrets);
  const row = await db.transaction(async (tx) => {
    if (p.isDefault)
      await tx
        .update(providers)
        .set({ isDefault: false })
        .where(and(eq(providers.workspaceId, workspaceId), eq(providers.channel, p.channel)));
    const [created] = await tx
      .insert(providers)
      .values({
        workspaceId,
        id: p.id,
        channel: p.channel,
        kind: p.kind,
        settings,
        secretsEncrypted: Object.keys(secrets).length
          ? encryptSecrets(keys, secrets, aad(workspaceId, p.id))
          : null,
        unitCostMicros: p.unitCostMicros,
        isDefault: p.isDefault,
      })
      .onConflictDoNothing()
      .returning();
    return created;
  });
  if (!row)
    throw new ProviderValidationError([{ path: ['id'], message: `A provider “${p.id}” already exists` }]);
  return toPublic(keys, row);
}

export async function updateProvider(
  db: Database,
  keys: SecretKeys,
  workspaceId: string,
  id: string,
  patch: ProviderPatch,
): Promise<PublicProvider | null> {
  const p = providerPatchSchema.parse(patch);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(providers)
      .where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id)))
      .for('update');
    if (!row) return null;
    const secrets = mergeSecrets(readProviderSecrets(keys, row), p.secrets ?? {});
    const settings = validate(row.kind, row.channel, p.settings ?? row.settings, secrets);
    if (p.isDefault)
      await tx
        .update(providers)
        .set({ isDefault: false })
        .where(and(eq(providers.workspaceId, workspaceId), eq(providers.channel, row.channel)));
    const [updated] = await tx
      .update(providers)
      .set({
        settings,
        secretsEncrypted: Object.keys(secrets).length
          ? encryptSecrets(keys, secrets, aad(workspaceId, id))
          : null,
        ...(p.unitCostMicros !== undefined ? { unitCostMicros: p.unitCostMicros } : {}),
        ...(p.isDefault !== undefined ? { isDefault: p.isDefault } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id)))
      .returning();
    return updated ? toPublic(keys, updated) : null;
  });
}

export async function deleteProvider(db: Database, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(providers)
    .where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id)))
    .returning({ id: providers.id });
  return deleted.length > 0;
}

export async function listProviders(
  db: Database,
  keys: SecretKeys,
  workspaceId: string,
): Promise<PublicProvider[]> {
  const rows = await db
    .select()
    .from(providers)
    .where(eq(providers.workspaceId, workspaceId))
    .orderBy(asc(providers.channel), asc(providers.id));
  return rows.map((r) => toPublic(keys, r));
}

export async function getProvider(
  db: Database,
  keys: SecretKeys,
  workspaceId: string,
  id: string,
): Promise<PublicProvider | null> {
  const row = await findProviderRow(db, workspaceId, id);
  return row ? toPublic(keys, row) : null;
}

/** The provider row a channel sends through: the default one, else the oldest; null means the log provider. */
export async function findChannelProviderRow(
  db: Database,
  workspaceId: string,
  channel: ProviderChannel,
): Promise<ProviderRow | null> {
  const [row] = await db
    .select()
    .from(providers)
    .where(and(eq(providers.workspaceId, workspaceId), eq(providers.channel, channel)))
    .orderBy(desc(providers.isDefault), asc(providers.createdAt), asc(providers.id))
    .limit(1);
  return row ?? null;
}

export async function findProviderRow(
  db: Database,
  workspaceId: string,
  id: string,
): Promise<ProviderRow | null> {
  const [row] = await db
    .select()
    .from(providers)
    .where(and(eq(providers.workspaceId, workspaceId), eq(providers.id, id)));
  return row ?? null;
}

export interface EffectiveProvider {
  channel: ProviderChannel;
  providerId: string;
  kind: string;
  /** True when nothing is configured and messages only go to the outbox. */
  isDevelopmentLog: boolean;
  label: string;
}

/** Which provider each message channel uses now, including the log fallback, so the UI can warn about it. */
export async function effectiveProviders(db: Database, workspaceId: string): Promise<EffectiveProvider[]> {
  const out: EffectiveProvider[] = [];
  for (const channel of ['email', 'sms', 'push'] as const) {
    const row = await findChannelProviderRow(db, workspaceId, channel);
    out.push(
      row
        ? {
            channel,
            providerId: row.id,
            kind: row.kind,
            isDevelopmentLog: false,
            label: providerKinds[row.kind]?.label ?? row.kind,
          }
        : {
            channel,
            providerId: LOG_PROVIDER_ID,
            kind: 'log',
            isDevelopmentLog: true,
            label: LOG_PROVIDER_LABEL,
          },
    );
  }
  return out;
}

export type { ProviderRow };
