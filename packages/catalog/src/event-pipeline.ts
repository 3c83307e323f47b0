/**
 * What happens to every ingested event, wherever it comes from (the API, a CSV import, a message being opened):
 * stored once by its event id together with its pending follow-up work (coupon redemption, conversions, routing to
 * journeys) in `event_outbox`, in one statement. The outbox drainer (`event-outbox.ts`) does that work with retries,
 * so ingest never waits on Temporal and an outage cannot lose a step. One pipeline, so no entry point forgets a step.
 */
import { ingestEvents, type IngestResult } from '@wakeflow/audience';
import type { EventRecorder } from '@wakeflow/channels';
import type { Database } from '@wakeflow/db';
import type { EventInput } from '@wakeflow/journey';

/** What ingest can know when it answers: routing happens later, so it says nothing about runs. */
export interface IngestSummary {
  accepted: number;
  duplicates: number;
  unknownCustomers: number;
}

export interface EventPipeline {
  ingest(
    workspaceId: string,
    inputs: readonly EventInput[],
  ): Promise<IngestSummary & { stored: IngestResult['accepted'] }>;
  /** The same pipeline as the channels' recorder of delivered, opened and clicked events. */
  recorder: EventRecorder;
}

export function createEventPipeline(deps: {
  db: Database;
  /** Called after every ingest, e.g. to start a drain pass at once instead of at the next poll. */
  onStored?: () => void;
}): EventPipeline {
  const { db, onStored } = deps;
  const pipeline: EventPipeline = {
    async ingest(workspaceId, inputs) {
      const result = await ingestEvents(db, workspaceId, inputs, { outbox: true });
      // Also after duplicates only: the original's outbox row may still be waiting for a retry.
      if (inputs.length > 0) onStored?.();
      return {
        stored: result.accepted,
        accepted: result.accepted.length,
        duplicates: result.duplicates,
        unknownCustomers: result.accepted.filter((e) => e.customerId === null).length,
      };
    },
    recorder: eventRecorder((workspaceId, inputs) => pipeline.ingest(workspaceId, inputs)),
  };
  return pipeline;
}

/** An EventRecorder over any ingest function (the pipeline's, or one bound to a transaction). */
export function eventRecorder(
  ingest: (workspaceId: string, inputs: EventInput[]) => Promise<unknown>,
): EventRecorder {
  const recordMany: EventRecorder['recordMany'] = async (events) => {
    // One ingest per workspace (a batch of messages is one workspace's).
    const byWorkspace = new Map<string, EventInput[]>();
    for (const event of events) {
      const inputs = byWorkspace.get(event.workspaceId) ?? [];
      inputs.push({
        eventId: event.eventId,
        customerExternalId: event.customerExternalId,
        name: event.name,
        properties: event.properties,
        occurredAt: event.occurredAt.toISOString(),
      });
      byWorkspace.set(event.workspaceId, inputs);
    }
    for (const [workspaceId, inputs] of byWorkspace) await ingest(workspaceId, inputs);
  };
  return { recordMany, record: (event) => recordMany([event]) };
}
