/** Connects to Temporal from configuration: a local dev server, a cluster, or Temporal Cloud (TLS + API key). */
import { Client, Connection } from '@temporalio/client';

export interface TemporalConfig {
  address: string;
  namespace: string;
  /** Temporal Cloud or a TLS cluster. */
  tls?: boolean;
  apiKey?: string;
}

export function temporalConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return {
    address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    ...(env.TEMPORAL_TLS === 'true' ? { tls: true } : {}),
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY, tls: true } : {}),
  };
}

export async function connectTemporalClient(
  config: TemporalConfig,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    address: config.address,
    ...(config.tls ? { tls: true } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  });
  return { client: new Client({ connection, namespace: config.namespace }), connection };
}
