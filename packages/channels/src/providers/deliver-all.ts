/**
 * Hands many messages to one provider: through its batch API when it has one, else one `send` per message with a
 * few in flight at a time. Per message, in order: the receipt, the provider's refusal (ProviderError), or an
 * unexpected error (a bug, never a provider's answer), which the caller rethrows once the others are recorded.
 */
import { ProviderError, type DeliveryReceipt, type MessageProvider, type OutgoingMessage } from './types';

export type DeliveryOutcome =
  { receipt: DeliveryReceipt } | { refused: ProviderError } | { crashed: unknown };

/** Messages in flight at once to a provider without a batch API (an SMTP pool's size, a gateway's patience). */
export const PER_MESSAGE_CONCURRENCY = 8;

export async function deliverAll(
  provider: MessageProvider,
  messages: readonly OutgoingMessage[],
  concurrency = PER_MESSAGE_CONCURRENCY,
): Promise<DeliveryOutcome[]> {
  if (messages.length === 0) return [];
  if (provider.sendBatch) {
    let answers: (DeliveryReceipt | ProviderError)[];
    try {
      answers = await provider.sendBatch(messages);
    } catch (error) {
      const outcome: DeliveryOutcome =
        error instanceof ProviderError ? { refused: error } : { crashed: error };
      return messages.map(() => outcome);
    }
    if (answers.length !== messages.length) {
      const crashed = new Error(
        `Provider ${provider.id} answered ${answers.length} results for ${messages.length} messages`,
      );
      return messages.map(() => ({ crashed }));
    }
    return answers.map((a) => (a instanceof ProviderError ? { refused: a } : { receipt: a }));
  }
  const outcomes = new Array<DeliveryOutcome>(messages.length);
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const index = next++;
      try {
        outcomes[index] = { receipt: await provider.send(messages[index]!) };
      } catch (error) {
        outcomes[index] = error instanceof ProviderError ? { refused: error } : { crashed: error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, worker));
  return outcomes;
}
