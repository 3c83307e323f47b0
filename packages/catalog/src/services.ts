/** The services node activities use, built from real adapters: the message sender, the condition evaluator. */
import type { Database } from '@wakeflow/db';
import { createConditionEvaluator } from '@wakeflow/audience';
import { createMessageSender } from '@wakeflow/channels';
import type { NodeLogger, NodeServices } from '@wakeflow/nodes';

export function createNodeServices(deps: { db: Database; logger: NodeLogger; publicUrl: string }): NodeServices {
  return {
    db: deps.db,
    messaging: createMessageSender({ db: deps.db, publicBaseUrl: deps.publicUrl }),
    conditions: createConditionEvaluator(deps.db),
    logger: deps.logger,
  };
}
