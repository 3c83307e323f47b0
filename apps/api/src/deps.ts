/** What the HTTP layer needs from the rest of the system; main.ts wires real adapters, tests the same ones. */
import type { Client } from '@temporalio/client';
import type { Database } from '@wakeflow/db';
import type { NodeCatalog } from '@wakeflow/nodes';
import type { Plan } from '@wakeflow/journey';
import type { EventRouter, JourneyRunStarter } from '@wakeflow/temporal';
import type { OutboxDrainer } from '@wakeflow/catalog';

export interface JourneyScheduler {
  sync(input: { workspaceId: string; journeyId: string; plan: Pick<Plan, 'trigger'> | null }): Promise<void>;
  /** Runs the journey's audience sweep now; false when it has no schedule. */
  checkNow(input: { workspaceId: string; journeyId: string }): Promise<boolean>;
  /** When the audience sweep runs next, or null. */
  nextCheck(input: { workspaceId: string; journeyId: string }): Promise<Date | null>;
}

export interface ApiLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface ApiDeps {
  db: Database;
  catalog: NodeCatalog;
  temporal: Client;
  starter: JourneyRunStarter;
  events: EventRouter;
  /**
   * Works off stored events' follow-up work (coupons, conversions, routing); ingest kicks it so events reach runs
   * at once. createApp makes one over `events` when left out; the worker process drains too.
   */
  eventOutbox?: OutboxDrainer;
  logger: ApiLogger;
  defaultWorkspaceId: string;
  /**
   * Keeps Temporal Schedules in step with live journeys (audience sweeps). Main wires it to Temporal; tests that
   * do not exercise schedules leave it out (Temporal's time-skipping test server has no schedules).
   */
  schedules?: JourneyScheduler;
  /** Built web app to serve, if any. */
  webDist?: string;
}
