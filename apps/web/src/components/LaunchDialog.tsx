/**
 * The launch confirmation: before a draft goes live, what will happen now — who enters at once and why not more,
 * the holdout and the arms, the first touch's messages per channel as the sending rules will decide them, and what
 * they cost. Nothing is published until the manager confirms; the answer comes from the API's launch estimate.
 */
import { describeMessageReason, type LaunchEstimate } from '@wakeflow/contracts';
import { useLaunchEstimate } from '../api/journeys';
import { Dialog, DialogFooter } from '../ui/Dialog';
import { ErrorText } from '../ui/ErrorText';
import { describeDuration } from './LaunchControls';

const limitWords: Record<string, string> = {
  not_started: 'the journey’s start time has not come yet',
  ended: 'the journey’s end time has passed',
  entry_cap: 'the entry cap',
  hourly_rate: 'the hourly entry rate',
  daily_rate: 'the daily entry rate',
};

const channelWords: Record<string, string> = { email: 'Email', sms: 'SMS', push: 'Push' };

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Millionths of the currency unit, as money. */
export function formatMicros(micros: number): string {
  return (micros / 1_000_000).toLocaleString(undefined, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  });
}

export function LaunchDialog({
  journeyId,
  revision,
  publishing,
  onConfirm,
  onClose,
}: {
  journeyId: string;
  /** The draft revision being published: the estimate is of exactly that. */
  revision: number;
  publishing: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const estimate = useLaunchEstimate(journeyId, revision);
  return (
    <Dialog
      titleId="launch-title"
      title="Publish and go live?"
      className="dialog-wide launch-dialog"
      onClose={onClose}
      onSubmit={onConfirm}
    >
      {estimate.isPending ? <p className="muted">Working out what will happen…</p> : null}
      <ErrorText error={estimate.error} what="estimate the launch" />
      {estimate.data ? <EstimateSummary estimate={estimate.data} /> : null}
      <DialogFooter onCancel={onClose}>
        {/* Focus lands here, so Enter confirms and the keyboard user reads the summary above with the reader. */}
        <button type="submit" className="button button-primary" autoFocus disabled={publishing}>
          {publishing ? 'Publishing…' : 'Publish'}
        </button>
      </DialogFooter>
    </Dialog>
  );
}

function EstimateSummary({ estimate }: { estimate: LaunchEstimate }) {
  const { audience, trigger } = estimate;
  return (
    <div className="launch-estimate" data-testid="launch-estimate">
      {audience ? (
        <>
          <p>
            <b>{count(estimate.enterNow, 'customer')}</b> enter at once
            {estimate.limitedBy ? (
              <> — {limitWords[estimate.limitedBy] ?? estimate.limitedBy} holds the rest</>
            ) : null}
            .
          </p>
          <p className="small muted">
            {count(audience.matching, 'customer')} in “{audience.segmentName ?? audience.segmentId}” now;{' '}
            {audience.eligible.toLocaleString()} may enter
            {audience.alreadyInJourney
              ? `, ${audience.alreadyInJourney.toLocaleString()} are still in this journey`
              : ''}
            {audience.reentryNotAllowed
              ? `, ${audience.reentryNotAllowed.toLocaleString()} may not enter again yet`
              : ''}
            .
            {estimate.entryDurationMs > 0
              ? ` At the entry rate, all of them will have entered in ${describeDuration(estimate.entryDurationMs)}.`
              : ''}
          </p>
        </>
      ) : (
        <p>
          Nobody enters at once: customers enter one by one
          {trigger.event ? (
            <>
              {' '}
              when <code>{trigger.event}</code> arrives ({count(trigger.eventsLastSevenDays ?? 0, 'event')} in
              the last 7 days)
            </>
          ) : (
            ' when the API enters them'
          )}
          .
        </p>
      )}
      {estimate.enterNow > 0 ? (
        <>
          <p>
            {count(estimate.holdout, 'customer')} in the holdout get nothing;{' '}
            {count(estimate.treatment, 'customer')} get the journey.
            {estimate.arms.length ? ' ' : null}
            {estimate.arms.map((a, i) => (
              <span key={`${a.stepId}-${a.arm}`}>
                {i > 0 ? ', ' : 'Arms: '}
                {a.arm} {a.customers.toLocaleString()}
              </span>
            ))}
          </p>
          <table className="data-table" aria-label="First messages">
            <thead>
              <tr>
                <th>Channel</th>
                <th>Sent at once</th>
                <th>Held for later</th>
                <th>Not sent</th>
                <th>Why not at once</th>
                <th>Cost</th>
              </tr>
            </thead>
            <tbody>
              {estimate.messages.map((m) => (
                <tr key={m.channel}>
                  <td>{channelWords[m.channel] ?? m.channel}</td>
                  <td>{m.send.toLocaleString()}</td>
                  <td>{m.held.toLocaleString()}</td>
                  <td>{(m.skipped + m.failed).toLocaleString()}</td>
                  <td className="small">
                    {Object.entries(m.reasons)
                      .map(([reason, n]) => `${describeMessageReason(reason)}: ${n.toLocaleString()}`)
                      .join('; ') || '—'}
                  </td>
                  <td>{formatMicros(m.costMicros)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small">
            First messages cost <b>{formatMicros(estimate.costMicros)}</b> at the channels’ unit costs.
            {estimate.sample
              ? ` Estimated from ${estimate.sample.customers.toLocaleString()} of the ${estimate.sample.of.toLocaleString()} customers entering.`
              : ''}
          </p>
        </>
      ) : null}
    </div>
  );
}
