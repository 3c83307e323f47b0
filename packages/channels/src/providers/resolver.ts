/**
 * Turns provider rows into live providers, once per row version: SMTP pools stay open between sends, and an edit
 * in the settings (a new `updated_at`) builds a fresh provider. With nothing configured for a channel the log
 * provider answers, unless the deployment turned that fallback off.
 */
import type { Database } from '@wakeflow/db';
import type { AddressPolicy } from '../net/address-policy';
import type { SecretKeys } from '../secrets/keys';
import { createLogProvider, LOG_PROVIDER_ID } from './log';
import { providerKinds } from './kinds';
import { findChannelProviderRow, findProviderRow, readProviderSecrets, type ProviderRow } from './store';
import type { MessageProvider, ProviderChannel } from './types';

export interface ResolvedProvider {
  provider: MessageProvider;
  unitCostMicros: number;
}

export interface ProviderResolver {
  /** The provider a channel sends through now; null when none is configured and the log fallback is off. */
  forChannel(workspaceId: string, channel: ProviderChannel): Promise<ResolvedProvider | null>;
  /** A specific provider (a retry goes through the provider its first attempt used), or null if it was deleted. */
  byId(workspaceId: string, id: string, channel: ProviderChannel): Promise<ResolvedProvider | null>;
  close(): Promise<void>;
}

export interface ProviderResolverOptions {
  db: Database;
  keys: SecretKeys;
  policy: AddressPolicy;
  fallbackToLog: boolean;
  /** Replaces the built-in kinds (tests hand in fakes). */
  build?: (row: ProviderRow, secrets: Record<string, string>) => MessageProvider;
}

export function createProviderResolver(options: ProviderResolverOptions): ProviderResolver {
  const cache = new Map<string, { version: number; provider: MessageProvider }>();

  function build(row: ProviderRow): MessageProvider {
    const secrets = readProviderSecrets(options.keys, row);
    if (options.build) return options.build(row, secrets);
    const kind = providerKinds[row.kind];
    if (!kind) throw new Error(`Provider ${row.id} has unknown kind ${row.kind}`);
    return kind.create({
      id: row.id,
      channel: row.channel,
      settings: row.settings,
      secrets,
      policy: options.policy,
    });
  }

  function live(row: ProviderRow): ResolvedProvider {
    const key = `${row.workspaceId}/${row.id}`;
    const version = row.updatedAt.getTime();
    const cached = cache.get(key);
    if (cached && cached.version === version)
      return { provider: cached.provider, unitCostMicros: row.unitCostMicros };
    void cached?.provider.close?.();
    const provider = build(row);
    cache.set(key, { version, provider });
    return { provider, unitCostMicros: row.unitCostMicros };
  }

  const log = (workspaceId: string, channel: ProviderChannel): ResolvedProvider => ({
    provider: createLogProvider(options.db, workspaceId, channel),
    unitCostMicros: 0,
  });

  return {
    async forChannel(workspaceId, channel) {
      const row = await findChannelProviderRow(options.db, workspaceId, channel);
      if (row) return live(row);
      return options.fallbackToLog ? log(workspaceId, channel) : null;
    },
    async byId(workspaceId, id, channel) {
      if (id === LOG_PROVIDER_ID) return log(workspaceId, channel);
      const row = await findProviderRow(options.db, workspaceId, id);
      return row ? live(row) : null;
    },
    async close() {
      const providers = [...cache.values()].map((c) => c.provider);
      cache.clear();
      await Promise.all(providers.map(async (p) => p.close?.()));
    },
  };
}
