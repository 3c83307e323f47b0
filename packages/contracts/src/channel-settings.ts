/**
 * A workspace's messaging rules (stored under `workspaces.settings.channels`; the channels package applies them):
 * consent mode, frequency cap with priority, quiet hours, per-channel rate limits, tracking. Every field has a
 * default, so a workspace without settings gets sensible rules (5 marketing messages per 7 days, one of them kept
 * for high-priority journeys; quiet 21–08).
 */
import { z } from 'zod';
import { defineRoute } from './route';

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time like 21:00');
const messageChannel = z.enum(['email', 'sms', 'push']);

export const channelSettingsSchema = z.object({
  consent: z
    .object({
      /**
       * `opt_in`: marketing goes only to customers whose consent for the channel is true (the safe default under
       * GDPR/PIPL-style rules). `opt_out`: everyone except those who said no.
       */
      mode: z.enum(['opt_in', 'opt_out']).default('opt_in'),
    })
    .prefault({}),
  frequencyCap: z
    .object({
      enabled: z.boolean().default(true),
      /**
       * Marketing messages per customer per window, across all journeys and channels. The default leaves routine
       * journeys 4: the canonical win-back's two waves of email + SMS, which a default of 3 silently cut in half.
       */
      limit: z.number().int().min(1).max(100).default(5),
      windowDays: z.number().int().min(1).max(90).default(7),
      /** Journeys at or above this priority count as high priority. */
      highPriority: z.number().int().min(1).max(10).default(8),
      /** Slots of the limit only high-priority journeys may use, so a routine journey cannot crowd them out. */
      reservedForHighPriority: z.number().int().min(0).max(100).default(1),
      /** At the cap, messages of journeys at or above this priority wait for a free slot; others are skipped. */
      waitAtOrAbovePriority: z.number().int().min(1).max(11).default(8),
      /** A message that would wait longer than this is skipped instead. */
      maxWaitHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 30)
        .default(72),
    })
    .prefault({}),
  quietHours: z
    .object({
      enabled: z.boolean().default(true),
      /** Local time in the customer's time zone; may wrap midnight. */
      start: localTime.default('21:00'),
      end: localTime.default('08:00'),
      channels: z.array(messageChannel).default(['sms', 'push']),
    })
    .prefault({}),
  /** Messages per second per provider, for the installation (shared by every worker process). */
  rateLimits: z
    .object({
      email: z.number().positive().max(10_000).default(50),
      sms: z.number().positive().max(10_000).default(10),
      push: z.number().positive().max(10_000).default(100),
    })
    .prefault({}),
  tracking: z.object({ opens: z.boolean().default(true), clicks: z.boolean().default(true) }).prefault({}),
});
export type ChannelSettings = z.infer<typeof channelSettingsSchema>;
export type ChannelSettingsInput = z.input<typeof channelSettingsSchema>;

const settingsAnswer = z.object({ settings: channelSettingsSchema });
const tag = 'Channel settings';

export const channelSettingsRoutes = {
  get: defineRoute({
    method: 'get',
    path: '/channel-settings',
    tag,
    summary: "The workspace's messaging rules",
    responses: { 200: settingsAnswer },
  }),
  save: defineRoute({
    method: 'put',
    path: '/channel-settings',
    tag,
    summary: "Replace the workspace's messaging rules (fields left out get their defaults)",
    body: channelSettingsSchema,
    responses: { 200: settingsAnswer },
  }),
};
