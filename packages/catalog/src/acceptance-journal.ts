/**
 * The message sender's acceptance journal inside a Temporal activity: a provider's receipt is written to the
 * activity's heartbeat details, which the server keeps and hands to the next attempt of the same activity
 * (`info.heartbeatDetails`), even when the attempt failed because PostgreSQL was down. Outside an activity (the API
 * sending a test message) it remembers nothing.
 */
import { Context } from '@temporalio/activity';
import { readReceipt, type AcceptanceJournal, type DeliveryReceipt } from '@wakeflow/channels';

interface AcceptedMessages {
  acceptedMessages: Record<string, DeliveryReceipt>;
}

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // not inside an activity
  }
}

function acceptedIn(details: unknown): Record<string, unknown> {
  if (typeof details !== 'object' || details === null) return {};
  const accepted = (details as Partial<AcceptedMessages>).acceptedMessages;
  return typeof accepted === 'object' && accepted !== null ? accepted : {};
}

export function heartbeatAcceptanceJournal(): AcceptanceJournal {
  // What this attempt noted so far, per activity: heartbeat details replace each other, so each carries them all.
  const noted = new WeakMap<Context, Record<string, DeliveryReceipt>>();
  return {
    recall(messageId) {
      const context = currentContext();
      if (!context) return undefined;
      return readReceipt(acceptedIn(context.info.heartbeatDetails)[messageId]);
    },
    remember(messageId, receipt) {
      const context = currentContext();
      if (!context) return;
      const accepted = { ...(noted.get(context) ?? {}), [messageId]: receipt };
      noted.set(context, accepted);
      const details: AcceptedMessages = { acceptedMessages: accepted };
      context.heartbeat(details);
    },
  };
}
