/**
 * What publishing a journey's draft would do now, for the launch confirmation: who enters at once (the audience, the
 * re-entry rule, the launch window and entry limits), how they split between holdout and arms, the messages of their
 * first touch per channel as the sending rules would decide them, and what those cost at the channels' unit costs.
 */
import { z } from 'zod';
import { entryRefusals } from '@wakeflow/journey';
import { journeyIdParams } from './journeys';
import { defineRoute } from './route';
import { templateChannels } from './templates';

const count = z.number().int().min(0);

export const entryRefusalSchema = z.enum(entryRefusals);

export const launchEstimateSchema = z.object({
  journeyId: z.uuid(),
  /** The instant the estimate is for (now). */
  at: z.string(),
  trigger: z.object({
    type: z.string(),
    /** For an event trigger: the event, and how often it arrived in the last 7 days (the pace of entries). */
    event: z.string().nullable(),
    eventsLastSevenDays: count.nullable(),
  }),
  /** For an audience trigger: the segment and who in it may enter. Null for event and API triggers. */
  audience: z
    .object({
      segmentId: z.string(),
      segmentName: z.string().nullable(),
      /** In the segment now. */
      matching: count,
      /** …of whom the re-entry rule lets in (not in a run of this journey, not refused by `once` or `after`). */
      eligible: count,
      /** Refused by re-entry: still in a run, or not allowed in again yet. */
      alreadyInJourney: count,
      reentryNotAllowed: count,
    })
    .nullable(),
  /** Customers entering at the first audience check after publishing. */
  enterNow: count,
  /** Why fewer than the eligible enter now (the launch window or an entry limit), if so. */
  limitedBy: entryRefusalSchema.nullable(),
  /** How long from the first wave until every eligible customer has entered at the entry rate (0: all at once). */
  entryDurationMs: z.number().min(0),
  holdout: count,
  treatment: count,
  /** Customers down each arm of the splits they reach in their first touch. */
  arms: z.array(
    z.object({ stepId: z.string(), stepName: z.string().nullable(), arm: z.string(), customers: count }),
  ),
  /** The first touch's messages per channel, as the sending rules would decide them now. */
  messages: z.array(
    z.object({
      channel: z.enum(templateChannels),
      /** Would go out at once. */
      send: count,
      /** Would wait (quiet hours, the send window or a frequency cap) and go out later. */
      held: count,
      /** Would not go out (no consent, no address, the cap, the holdout…). */
      skipped: count,
      /** Would fail (a template that does not render). */
      failed: count,
      /** Skipped, held and failed, by the message log's reason (`no_consent`, `quiet_hours`…). */
      reasons: z.record(z.string(), count),
      /** The channel's provider's price per message, in millionths of the currency unit. */
      unitCostMicros: count,
      /** What the sent and held messages cost. */
      costMicros: count,
    }),
  ),
  costMicros: count,
  /** When the first touch was estimated from a sample of the entering customers (counts scaled to all of them). */
  sample: z.object({ customers: count, of: count }).nullable(),
});
export type LaunchEstimate = z.infer<typeof launchEstimateSchema>;

export const launchEstimateRoutes = {
  draft: defineRoute({
    method: 'get',
    path: '/journeys/:id/draft/launch-estimate',
    tag: 'Journeys',
    summary:
      "What publishing the draft would do now: who enters at once, their first touch's messages and cost",
    description:
      'Nothing is sent or written. The first touch is what each entering customer gets before their first wait, ' +
      'run by the journey machine with the sending rules judged as the send path judges them. Above 2,000 entering ' +
      'customers it is estimated from an even sample of them (`sample`).',
    params: journeyIdParams,
    responses: { 200: launchEstimateSchema },
  }),
};
