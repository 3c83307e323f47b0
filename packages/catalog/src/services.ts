/** The services node activities use, built from real adapters: the message sender, the condition evaluator. */
import type { Database } from '@wakeflow/db';
import { createConditionEvaluator } from '@wakeflow/audience';
import { createMessageSender, type EventRecorder } from '@wakeflow/channels';
import type { NodeLogger, NodeServices } from '@wakeflow/nodes';

export function createNodeServices(deps: {
  db: Database;
  logger: NodeLogger;
  publicUrl: string;
  /** Where delivery, open and click events go: the event pipeline, so waiting journeys hear of them. */
  events?: EventRecorder;
}): NodeServices {
  return {
    db: deps.db,
    messaging: createMessageSender({ db: deps.db, publicBaseUrl: deps.publicUrl, ...(deps.events ? { events: deps.events } : {}) }),
    conditions: createConditionEvaluator(deps.db),
    logger: deps.logger,
  };
}
