/** Connects to Temporal from configuration: a local dev server, a cluster, or Temporal Cloud (TLS + API key). */
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';

export interface TemporalConfig {
  address: string;
  namespace: string;
  /** Temporal Cloud or a TLS cluster. */
  tls?: boolean;
  apiKey?: string;
}

export interface TemporalClientOptions {
  /**
   * Deadline of every call, its retries included. Unset, the SDK's default applies: UNAVAILABLE is retried for
   * about 20 s with no deadline, which suits the worker (Temporal retries its activities anyway) but leaves an HTTP
   * request hanging. The API sets a short one so it can answer 503 within seconds while Temporal is down.
   */
  callTimeoutMs?: number;
  /** Connect at the first call instead of now, so the process can start while Temporal is down. */
  lazy?: boolean;
}

export function temporalConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return {
    address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    ...(env.TEMPORAL_TLS === 'true' ? { tls: true } : {}),
    ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY, tls: true } : {}),
  };
}

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * The SDK's retry interceptor with a deadline set before it runs, so one absolute deadline covers every retry,
 * and with fewer retries (about 1 s of backoff) so the last one starts before the deadline instead of sleeping
 * past it.
 */
function boundedCallInterceptor(callTimeoutMs: number): GrpcInterceptor {
  const retry = makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }));
  return (options, nextCall) =>
    retry({ ...options, deadline: options.deadline ?? Date.now() + callTimeoutMs }, nextCall);
}

export async function connectTemporalClient(
  config: TemporalConfig,
  options: TemporalClientOptions = {},
): Promise<{ client: Client; connection: Connection }> {
  const connectionOptions: ConnectionOptions = {
    address: config.address,
    ...(config.tls ? { tls: true } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(options.callTimeoutMs !== undefined
      ? {
          interceptors: [boundedCallInterceptor(options.callTimeoutMs)],
          connectTimeout: options.callTimeoutMs,
        }
      : {}),
  };
  const connection = options.lazy
    ? Connection.lazy(connectionOptions)
    : await Connection.connect(connectionOptions);
  return { client: new Client({ connection, namespace: config.namespace }), connection };
}
