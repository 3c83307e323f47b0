/**
 * The ports node activities use, built from real adapters: customers, the message sender, the condition evaluator,
 * and the custom kinds' own (purchase history, service tasks).
 */
import type { Database } from '@wakeflow/db';
import { createConditionEvaluator } from '@wakeflow/audience';
import {
  createChannelNodeAdapters,
  createMessageSender,
  type ChannelNodePorts,
  type EventRecorder,
  type MessageSenderDeps,
} from '@wakeflow/channels';
import type { CustomNodePorts } from '@wakeflow/custom-nodes';
import { createCustomNodeAdapters } from '@wakeflow/custom-nodes/adapters';
import { createCustomerStore, type NodeLogger } from '@wakeflow/nodes';
import { heartbeatAcceptanceJournal } from './acceptance-journal';

/**
 * TEST ONLY. `WAKEFLOW_TEST_CRASH_AT=after_dispatch_recorded|after_provider_accepted` makes the process kill itself
 * with SIGKILL at that moment of a send (after the message row is marked dispatched, before the provider call; or
 * after the provider accepted, before the row says `sent`), so apps/worker/test/send-crash.test.ts can prove the
 * exactly-once claims on a real process. Never set it anywhere else: the worker dies on its first send.
 */
function crashHooksFromEnv(env: NodeJS.ProcessEnv): MessageSenderDeps['hooks'] | undefined {
  const at = env.WAKEFLOW_TEST_CRASH_AT;
  if (!at) return undefined;
  const die = () => {
    process.kill(process.pid, 'SIGKILL');
  };
  if (at === 'after_dispatch_recorded') return { afterDispatchRecorded: die };
  if (at === 'after_provider_accepted') return { afterProviderAccepted: die };
  throw new Error(
    `WAKEFLOW_TEST_CRASH_AT must be after_dispatch_recorded or after_provider_accepted, not ${at}`,
  );
}

/** What this installation's worker hands to activities: every kind's ports, never the database handle. */
export type InstallationServices = CustomNodePorts & ChannelNodePorts;

export function createNodeServices(deps: {
  db: Database;
  logger: NodeLogger;
  publicUrl: string;
  /** Where delivery, open and click events go: the event pipeline, so waiting journeys hear of them. */
  events?: EventRecorder;
}): InstallationServices {
  const hooks = crashHooksFromEnv(process.env);
  return {
    customers: createCustomerStore(deps.db),
    ...createCustomNodeAdapters(deps.db),
    ...createChannelNodeAdapters(deps.db),
    messaging: createMessageSender({
      db: deps.db,
      publicBaseUrl: deps.publicUrl,
      acceptances: heartbeatAcceptanceJournal(),
      ...(deps.events ? { events: deps.events } : {}),
      ...(hooks ? { hooks } : {}),
    }),
    conditions: createConditionEvaluator(deps.db),
    logger: deps.logger,
  };
}
