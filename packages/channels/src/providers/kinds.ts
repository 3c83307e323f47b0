/**
 * The provider kinds a workspace can configure: for each, the channels it serves, the zod schemas of its settings
 * (returned by the API) and secrets (encrypted, never returned), and how to build it. The API's forms and
 * validation come from here, so a new kind is one entry.
 */
import { z } from 'zod';
import type { AddressPolicy } from '../net/address-policy';
import { createHttpProvider, httpSecretsSchema, httpSettingsSchema } from './http';
import { createSmtpProvider, smtpSecretsSchema, smtpSettingsSchema } from './smtp';
import { createTwilioProvider, twilioSecretsSchema, twilioSettingsSchema } from './twilio';
import type { MessageProvider, ProviderChannel } from './types';
import { createWebPushProvider, webPushSecretsSchema, webPushSettingsSchema } from './web-push';

export interface ProviderKind {
  kind: string;
  label: string;
  channels: readonly ProviderChannel[];
  settings: z.ZodType<Record<string, unknown>>;
  secrets: z.ZodType<Record<string, string | undefined>>;
  create(input: {
    id: string;
    channel: ProviderChannel;
    settings: unknown;
    secrets: unknown;
    policy: AddressPolicy;
  }): MessageProvider;
}

export const providerKinds: Record<string, ProviderKind> = {
  smtp: {
    kind: 'smtp',
    label: 'SMTP (email)',
    channels: ['email'],
    settings: smtpSettingsSchema,
    secrets: smtpSecretsSchema,
    create: ({ id, settings, secrets, policy }) =>
      createSmtpProvider(id, smtpSettingsSchema.parse(settings), smtpSecretsSchema.parse(secrets), policy),
  },
  http: {
    kind: 'http',
    label: 'Generic HTTP (SMS, push gateway, webhook credentials)',
    channels: ['sms', 'push', 'webhook'],
    settings: httpSettingsSchema,
    secrets: httpSecretsSchema,
    create: ({ id, channel, settings, secrets, policy }) =>
      createHttpProvider(
        id,
        channel,
        httpSettingsSchema.parse(settings),
        httpSecretsSchema.parse(secrets),
        policy,
      ),
  },
  twilio: {
    kind: 'twilio',
    label: 'Twilio (SMS)',
    channels: ['sms'],
    settings: twilioSettingsSchema,
    secrets: twilioSecretsSchema,
    create: ({ id, settings, secrets, policy }) =>
      createTwilioProvider(
        id,
        twilioSettingsSchema.parse(settings),
        twilioSecretsSchema.parse(secrets),
        policy,
      ),
  },
  web_push: {
    kind: 'web_push',
    label: 'Web push (VAPID)',
    channels: ['push'],
    settings: webPushSettingsSchema,
    secrets: webPushSecretsSchema,
    create: ({ id, settings, secrets, policy }) =>
      createWebPushProvider(
        id,
        webPushSettingsSchema.parse(settings),
        webPushSecretsSchema.parse(secrets),
        policy,
      ),
  },
};

/** The kinds as the API documents them (JSON Schemas for the settings and secrets forms). */
export function describeProviderKinds(): {
  kind: string;
  label: string;
  channels: readonly ProviderChannel[];
  settingsSchema: Record<string, unknown>;
  secretsSchema: Record<string, unknown>;
}[] {
  return Object.values(providerKinds).map((k) => ({
    kind: k.kind,
    label: k.label,
    channels: k.channels,
    settingsSchema: z.toJSONSchema(k.settings, { io: 'input', unrepresentable: 'any' }),
    secretsSchema: z.toJSONSchema(k.secrets, { io: 'input', unrepresentable: 'any' }),
  }));
}
