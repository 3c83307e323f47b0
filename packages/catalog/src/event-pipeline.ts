/**
 * What happens to every ingested event, wherever it comes from (the API, a CSV import, a message being opened):
 * stored once by its event id, coupons it names marked redeemed, conversions of runs recorded, then routed to
 * journeys — waiting runs are signalled and event-triggered journeys start. One pipeline, so no entry point
 * forgets a step.
 */
import { ingestEvents, type IngestResult } from '@wakeflow/audience';
import { recordConversions } from '@wakeflow/analytics';
import { recordCouponRedemption, type EventRecorder } from '@wakeflow/channels';
import type { Database } from '@wakeflow/db';
import type { EventInput } from '@wakeflow/journey';
import type { EventRouter } from '@wakeflow/temporal';

export interface IngestSummary {
  accepted: number;
  duplicates: number;
  unknownCustomers: number;
  signalled: number;
  started: number;
}

export interface EventPipeline {
  ingest(
    workspaceId: string,
    inputs: readonly EventInput[],
  ): Promise<IngestSummary & { stored: IngestResult['accepted'] }>;
  /** The same pipeline as the channels' recorder of delivered, opened and clicked events. */
  recorder: EventRecorder;
}

export function createEventPipeline(deps: { db: Database; router: EventRouter }): EventPipeline {
  const { db, router } = deps;
  const pipeline: EventPipeline = {
    async ingest(workspaceId, inputs) {
      const result = await ingestEvents(db, workspaceId, inputs);
      for (const e of result.accepted) {
        await recordCouponRedemption(
          db,
          {
            workspaceId,
            name: e.name,
            properties: e.properties,
            occurredAt: new Date(e.occurredAt),
            customerId: e.customerId,
          },
          pipeline.recorder,
        );
      }
      await recordConversions(db, workspaceId, result.accepted);
      const routing = await router.route(
        result.accepted.map((e) => ({
          workspaceId,
          customerId: e.customerId,
          eventId: e.eventId,
          name: e.name,
          properties: e.properties,
          occurredAt: new Date(e.occurredAt),
        })),
      );
      return {
        stored: result.accepted,
        accepted: result.accepted.length,
        duplicates: result.duplicates,
        unknownCustomers: result.accepted.filter((e) => e.customerId === null).length,
        signalled: routing.signalled,
        started: routing.started,
      };
    },
    recorder: {
      async record(event) {
        await pipeline.ingest(event.workspaceId, [
          {
            eventId: event.eventId,
            customerExternalId: event.customerExternalId,
            name: event.name,
            properties: event.properties,
            occurredAt: event.occurredAt.toISOString(),
          },
        ]);
      },
    },
  };
  return pipeline;
}
