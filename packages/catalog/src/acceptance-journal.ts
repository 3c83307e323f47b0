/**
 * The message sender's acceptance journal inside a Temporal activity: a provider's receipt is written to the
 * activity's heartbeat details, which the server keeps and hands to the next attempt of the same activity
 * (`info.heartbeatDetails`), even when the attempt failed because PostgreSQL was down. The receipts are one section of
 * those details (`heartbeatSection`), so a cohort node batch noting its members' answers in the same activity keeps
 * them, and receipts an earlier attempt noted stay for later attempts. Outside an activity it remembers nothing.
 */
import { readReceipt, type AcceptanceJournal } from '@wakeflow/channels';
import { heartbeatSection, recallHeartbeatSection } from '@wakeflow/temporal';

const SECTION = 'acceptedMessages';

/** Receipts this attempt or an earlier one noted. */
function accepted(): Record<string, unknown> {
  const section = recallHeartbeatSection(SECTION);
  return typeof section === 'object' && section !== null ? (section as Record<string, unknown>) : {};
}

export function heartbeatAcceptanceJournal(): AcceptanceJournal {
  return {
    recall(messageId) {
      return readReceipt(accepted()[messageId]);
    },
    remember(receipts) {
      // The section is written whole each time: what earlier attempts and this one noted, these receipts added.
      heartbeatSection(SECTION, { ...accepted(), ...Object.fromEntries(receipts) });
    },
  };
}
