/**
 * Tables of the auth area (@wakeflow/auth): people and their roles per workspace, server-side sessions, password
 * reset tokens, OIDC sign-in attempts, API keys and publish approvals. Secrets (session ids, reset tokens, API
 * keys) are stored only as SHA-256 hashes, so a copy of the database signs nobody in. The audit log is
 * `audit_log` in core.ts.
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { journeyRef, tstz, workspaceRef } from './columns';

/** A person. Accounts are global; what they may do is per workspace (`memberships`). */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lower-cased on write: sign-in and invitations match it case-insensitively. */
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    /** argon2id PHC string; null for people who only sign in through OIDC. */
    passwordHash: text('password_hash'),
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    disabledAt: tstz('disabled_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email').on(t.email),
    uniqueIndex('users_oidc_identity').on(t.oidcIssuer, t.oidcSubject),
  ],
);

/** A person's roles in one workspace (campaign_manager, engineer, reviewer, admin). */
export const memberships = pgTable(
  'memberships',
  {
    workspaceId: workspaceRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    roles: text('roles')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user').on(t.userId)],
);

/** A signed-in browser. The cookie holds the random id; the row is found by its hash. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** The workspace this session works in: every request it makes is scoped to it. */
    workspaceId: workspaceRef(),
    /** Synchroniser token for unsafe requests (CSRF); random per session. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
);

/** A one-time password reset link; used or expired rows are refused. */
export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('password_resets_user').on(t.userId)],
);

/**
 * An invitation to join a workspace with given roles. Joining needs the invitee: a new account chooses its own
 * password through the link; an existing account must also prove it is that person (its password or a session).
 * Nobody but the invitee ever sets a password, and adding an email never attaches an existing account silently.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    /** Lower-cased, like `users.email`. */
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    roles: text('roles')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [
    uniqueIndex('invitations_token_hash').on(t.tokenHash),
    index('invitations_workspace_email').on(t.workspaceId, t.email),
  ],
);

/** An OIDC sign-in in progress: the state (hashed), nonce and PKCE verifier between redirect and callback. */
export const oidcLogins = pgTable('oidc_logins', {
  stateHash: text('state_hash').primaryKey(),
  nonce: text('nonce').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  workspaceId: text('workspace_id'),
  returnTo: text('return_to').notNull().default('/'),
  expiresAt: tstz('expires_at').notNull(),
});

/**
 * The API's rate-limit counters (sign-in failures per address and account, ingest requests per key), one fixed
 * window per key, kept here rather than in a process so every API process counts the same attempts. A row whose
 * `reset_at` has passed starts over at its next hit; expired rows are deleted now and then.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    /** The limiter's prefix and the client's key, e.g. `sign-in/ip:203.0.113.9`. */
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: tstz('reset_at').notNull(),
  },
  (t) => [index('rate_limit_counters_reset_at').on(t.resetAt)],
);

/** A key for ingest and server-to-server calls. Shown once at creation; only its hash is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    name: text('name').notNull(),
    scope: text('scope', { enum: ['ingest', 'read', 'admin'] }).notNull(),
    /** The first characters of the key, shown in lists so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    lastUsedAt: tstz('last_used_at'),
    revokedAt: tstz('revoked_at'),
    revokedBy: text('revoked_by'),
  },
  (t) => [uniqueIndex('api_keys_key_hash').on(t.keyHash), index('api_keys_workspace').on(t.workspaceId)],
);

/**
 * A request to publish a journey in a workspace that requires approval. It snapshots the draft it asks for, so the
 * reviewer approves exactly what goes live; the decision, comment and resulting version stay with it.
 */
export const publishRequests = pgTable(
  'publish_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceRef(),
    journeyId: journeyRef(),
    draftRevision: integer('draft_revision').notNull(),
    graph: jsonb('graph').$type<Record<string, unknown>>().notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** The live version when requested: the reviewer's diff is against it. */
    baseVersion: integer('base_version'),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'superseded'] })
      .notNull()
      .default('pending'),
    requestedBy: text('requested_by').notNull(),
    requestComment: text('request_comment').notNull().default(''),
    requestedAt: tstz('requested_at').notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decisionComment: text('decision_comment'),
    decidedAt: tstz('decided_at'),
    /** The version the approval published. */
    version: integer('version'),
  },
  (t) => [
    index('publish_requests_workspace_status').on(t.workspaceId, t.status),
    index('publish_requests_journey').on(t.journeyId),
  ],
);
