/**
 * API keys for ingest and server-to-server calls. The key is shown once (`wfk_` + 256 random bits); the database
 * keeps its SHA-256 and a short prefix for people to tell keys apart. Revoked keys stop working at once; the
 * last-used time is written at most once a minute per key so busy ingest does not write a row per request.
 */
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { apiKeys, type Database } from '@wakeflow/db';
import type { ApiKeyPrincipal } from './principal';
import { permissionsOfScope, type ApiKeyScope } from './roles';
import { hashToken, randomToken } from './tokens';

export const API_KEY_PREFIX = 'wfk_';
const TOUCH_EVERY_MS = 60_000;

export interface PublicApiKey {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

function toPublic(row: typeof apiKeys.$inferSelect): PublicApiKey {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedBy: row.revokedBy,
  };
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length > API_KEY_PREFIX.length + 20;
}

export async function createApiKey(
  db: Database,
  input: { workspaceId: string; name: string; scope: ApiKeyScope; createdBy: string },
): Promise<{ key: string; apiKey: PublicApiKey }> {
  const key = `${API_KEY_PREFIX}${randomToken()}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      workspaceId: input.workspaceId,
      name: input.name,
      scope: input.scope,
      prefix: key.slice(0, API_KEY_PREFIX.length + 8),
      keyHash: hashToken(key),
      createdBy: input.createdBy,
    })
    .returning();
  return { key, apiKey: toPublic(row!) };
}

export async function findApiKeyPrincipal(
  db: Database,
  key: string,
  now = new Date(),
): Promise<ApiKeyPrincipal | null> {
  const keyHash = hashToken(key);
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiKeys.id, row.id),
          or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - TOUCH_EVERY_MS))),
        ),
      );
  }
  return {
    kind: 'api_key',
    keyId: row.id,
    name: row.name,
    scope: row.scope,
    workspaceId: row.workspaceId,
    permissions: permissionsOfScope(row.scope),
  };
}

export async function listApiKeys(db: Database, workspaceId: string): Promise<PublicApiKey[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.workspaceId, workspaceId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(toPublic);
}

/** Revokes a key of the workspace; null when there is no such key, the key as it was otherwise. */
export async function revokeApiKey(
  db: Database,
  workspaceId: string,
  id: string,
  revokedBy: string,
  now = new Date(),
): Promise<PublicApiKey | null> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, workspaceId)));
  if (!row) return null;
  if (row.revokedAt === null) {
    await db
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  }
  return toPublic(row);
}

/**
 * The person an actor stands for: a key acts for whoever created it (a key made with another key, for that key's
 * creator), so rules about people (nobody approves their own request) cannot be dodged by switching credentials.
 * Actors that are no person (`local`, a system) stand for themselves.
 */
export async function personBehind(db: Database, actor: string): Promise<string> {
  const seen = new Set<string>();
  let current = actor;
  while (current.startsWith('api_key:') && !seen.has(current)) {
    seen.add(current);
    const [row] = await db
      .select({ createdBy: apiKeys.createdBy })
      .from(apiKeys)
      .where(eq(apiKeys.id, current.slice('api_key:'.length)));
    if (!row) return current;
    current = row.createdBy;
  }
  return current;
}
