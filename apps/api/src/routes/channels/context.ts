/**
 * What the channel routes need beyond the API's deps: the secret keys, the public URL links point at, and an event
 * recorder that goes through the event pipeline, so an open or click reaches journeys waiting for it.
 * Until ApiDeps carries `channels`, both come from the environment (WAKEFLOW_SECRET_KEY, WAKEFLOW_PUBLIC_URL).
 */
import { createEventPipeline } from '@wakeflow/catalog';
import { loadSecretKeys, type EventRecorder, type SecretKeys } from '@wakeflow/channels';
import type { ApiDeps } from '../../deps';

export interface ChannelApiOptions {
  keys: SecretKeys;
  /** Public origin of the app, e.g. `https://wakeflow.example.com`. */
  publicBaseUrl: string;
  recorder: EventRecorder;
  now: () => Date;
}

export type ChannelApiDeps = ApiDeps & { channels?: Partial<ChannelApiOptions> };

function ingestRecorder(deps: ApiDeps): EventRecorder {
  return createEventPipeline({ db: deps.db, onStored: () => deps.eventOutbox?.kick() }).recorder;
}

export function channelOptions(deps: ChannelApiDeps): ChannelApiOptions {
  const given = deps.channels ?? {};
  return {
    keys: given.keys ?? loadSecretKeys(),
    publicBaseUrl:
      given.publicBaseUrl ??
      process.env.WAKEFLOW_PUBLIC_URL ??
      `http://127.0.0.1:${process.env.API_PORT ?? 3000}`,
    recorder: given.recorder ?? ingestRecorder(deps),
    now: given.now ?? (() => new Date()),
  };
}
