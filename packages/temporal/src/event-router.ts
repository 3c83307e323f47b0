/**
 * Routes ingested events into journeys: signals every running run of the customer whose version listens for the
 * event (waits and goals), and starts runs of live journeys whose trigger is that event.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, arrayOverlaps, eq, inArray } from 'drizzle-orm';
import {
  COHORT_EVENT_SIGNAL,
  CUSTOMER_EVENT_SIGNAL,
  matchesFilters,
  planSchema,
  type CustomerEventPayload,
} from '@wakeflow/journey';
import { journeyVersions, journeys, runs, type Database } from '@wakeflow/db';
import type { JourneyRunStarter } from './run-starter';

export interface RoutableEvent {
  workspaceId: string;
  customerId: string | null;
  eventId: string;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
}

export interface EventRoutingResult {
  signalled: number;
  started: number;
}

const SIGNAL_CONCURRENCY = 32;

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

export function createEventRouter(deps: { db: Database; client: Client; starter: JourneyRunStarter }) {
  const { db, client, starter } = deps;

  return {
    async route(events: readonly RoutableEvent[]): Promise<EventRoutingResult> {
      const known = events.filter((e): e is RoutableEvent & { customerId: string } => e.customerId !== null);
      if (known.length === 0) return { signalled: 0, started: 0 };
      const workspaceId = known[0]!.workspaceId;
      const customerIds = [...new Set(known.map((e) => e.customerId))];
      const names = [...new Set(known.map((e) => e.name))];

      const listening = await db
        .select({
          runId: runs.id,
          workflowId: runs.workflowId,
          cohortWorkflowId: runs.cohortWorkflowId,
          customerId: runs.customerId,
          listensTo: journeyVersions.listensTo,
        })
        .from(runs)
        .innerJoin(
          journeyVersions,
          and(eq(journeyVersions.journeyId, runs.journeyId), eq(journeyVersions.version, runs.version)),
        )
        .where(
          and(
            eq(runs.workspaceId, workspaceId),
            eq(runs.status, 'running'),
            inArray(runs.customerId, customerIds),
            arrayOverlaps(journeyVersions.listensTo, names),
          ),
        );
      // A run in a cohort is signalled through its cohort, with its run id.
      const signals: { workflowId: string; name: string; payload: unknown }[] = [];
      for (const run of listening) {
        for (const event of known) {
          if (event.customerId !== run.customerId || !run.listensTo.includes(event.name)) continue;
          signals.push(
            run.cohortWorkflowId
              ? {
                  workflowId: run.cohortWorkflowId,
                  name: COHORT_EVENT_SIGNAL,
                  payload: { runId: run.runId, event: toPayload(event) },
                }
              : { workflowId: run.workflowId, name: CUSTOMER_EVENT_SIGNAL, payload: toPayload(event) },
          );
        }
      }
      let signalled = 0;
      await inBatches(signals, SIGNAL_CONCURRENCY, async (s) => {
        try {
          await client.workflow.getHandle(s.workflowId).signal(s.name, s.payload);
          signalled += 1;
        } catch (error) {
          // The run finished between the query and the signal: nothing is waiting any more.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      });

      const triggered = await db
        .select({
          journeyId: journeys.id,
          version: journeyVersions.version,
          triggerEvent: journeyVersions.triggerEvent,
          plan: journeyVersions.plan,
        })
        .from(journeys)
        .innerJoin(
          journeyVersions,
          and(eq(journeyVersions.journeyId, journeys.id), eq(journeyVersions.version, journeys.liveVersion)),
        )
        .where(
          and(
            eq(journeys.workspaceId, workspaceId),
            eq(journeys.status, 'live'),
            inArray(journeyVersions.triggerEvent, names),
          ),
        );
      let started = 0;
      for (const journey of triggered) {
        const plan = planSchema.parse(journey.plan);
        const filters = (plan.trigger.config as { filters?: Parameters<typeof matchesFilters>[1] }).filters;
        for (const event of known) {
          if (event.name !== journey.triggerEvent || !matchesFilters(event.properties, filters)) continue;
          const result = await starter.startRun({
            workspaceId,
            journeyId: journey.journeyId,
            customerId: event.customerId,
            version: journey.version,
            entryEvent: toPayload(event),
          });
          if (result.started) started += 1;
        }
      }
      return { signalled, started };
    },
  };
}

export type EventRouter = ReturnType<typeof createEventRouter>;

function toPayload(event: RoutableEvent): CustomerEventPayload {
  return {
    eventId: event.eventId,
    name: event.name,
    properties: event.properties,
    occurredAt: event.occurredAt.toISOString(),
  };
}
