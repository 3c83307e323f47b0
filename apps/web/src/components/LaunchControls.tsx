/**
 * The editor's launch controls: the journey's lifecycle badge with its live version, pause / resume / stop, and for
 * an audience journey the audience check (last run, how many entered, next run, "Check now") with how long the
 * audience takes to enter at the journey's entry rate.
 */
import { useState } from 'react';
import { Pause, Play, RefreshCw, Square, UserMinus } from 'lucide-react';
import { entryDurationMs, type JourneyLifecycle, type Launch, type LifecycleAction } from '@wakeflow/journey';
import { ApiError } from '../api/client';
import {
  useAudienceCheck,
  useAudienceSize,
  useCheckAudienceNow,
  useJourneyStatus,
  useLifecycleAction,
  useRemoveFromRun,
} from '../api/launch';
import './launch.css';

export const LIFECYCLE_LABELS: Record<JourneyLifecycle, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  live: 'Live',
  paused: 'Paused',
  stopped: 'Stopped',
  archived: 'Archived',
};

export function LifecycleBadge({
  lifecycle,
  liveVersion,
}: {
  lifecycle: string;
  liveVersion: number | null;
}) {
  const label = LIFECYCLE_LABELS[lifecycle as JourneyLifecycle] ?? lifecycle;
  return (
    <span className={`lifecycle-badge lifecycle-${lifecycle}`} data-testid="lifecycle-badge">
      {label}
      {liveVersion !== null && lifecycle !== 'draft' ? ` · v${liveVersion}` : ''}
    </span>
  );
}

const CONFIRM: Partial<Record<LifecycleAction, string>> = {
  stop: 'Stop this journey? Nobody new enters, and every customer in it leaves at their next step without another message. Publishing again relaunches it.',
};

/** Badge and the actions the journey's state allows. */
export function LaunchControls({ journeyId }: { journeyId: string }) {
  const status = useJourneyStatus(journeyId);
  const change = useLifecycleAction(journeyId);
  const [error, setError] = useState<string>();
  if (!status.data) return null;
  const { status: stored, lifecycle, liveVersion } = status.data;
  const act = (action: LifecycleAction) => {
    const question = CONFIRM[action];
    if (question && !window.confirm(question)) return;
    setError(undefined);
    change.mutate(action, {
      onError: (e) => setError(e instanceof ApiError ? e.message : 'The change did not go through'),
    });
  };
  return (
    <span className="launch-controls">
      <LifecycleBadge lifecycle={lifecycle} liveVersion={liveVersion} />
      {stored === 'live' ? (
        <button type="button" className="button" disabled={change.isPending} onClick={() => act('pause')}>
          <Pause size={14} /> Pause
        </button>
      ) : null}
      {stored === 'paused' ? (
        <button type="button" className="button" disabled={change.isPending} onClick={() => act('resume')}>
          <Play size={14} /> Resume
        </button>
      ) : null}
      {stored === 'live' || stored === 'paused' ? (
        <button type="button" className="button" disabled={change.isPending} onClick={() => act('stop')}>
          <Square size={14} /> Stop
        </button>
      ) : null}
      {error ? (
        <span className="launch-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}

const HOUR = 3_600_000;

/** "about 2 days 5 hours", "within the hour". */
export function describeDuration(ms: number): string {
  if (ms < HOUR) return 'within the hour';
  const days = Math.floor(ms / (24 * HOUR));
  const hours = Math.round((ms - days * 24 * HOUR) / HOUR);
  const parts = [
    days ? `${days} day${days === 1 ? '' : 's'}` : '',
    hours ? `${hours} hour${hours === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return `about ${parts.join(' ')}`;
}

function at(iso: string): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The audience check of a live audience journey, and the entry time of its audience at the draft's rate. */
export function AudienceCheckStrip({
  journeyId,
  segmentId,
  launch,
}: {
  journeyId: string;
  /** The draft's audience segment; undefined for other triggers. */
  segmentId: string | undefined;
  launch: Launch | undefined;
}) {
  const now = useCheckAudienceNow(journeyId);
  const check = useAudienceCheck(
    journeyId,
    segmentId !== undefined,
    now.isSuccess ? now.submittedAt : undefined,
  );
  const size = useAudienceSize(segmentId);
  if (segmentId === undefined) return null;
  const limited =
    launch?.perHour !== undefined || launch?.perDay !== undefined || launch?.entryCap !== undefined;
  const data = check.data;
  const last = data?.last;
  return (
    <div className="audience-check" data-testid="audience-check">
      {data?.everyMinutes != null ? (
        <span>
          Audience checked every {data.everyMinutes} min
          {last
            ? ` · last ${at(last.startedAt)}: ${last.status === 'running' ? 'checking…' : `${last.started} entered`}`
            : ' · not checked yet'}
          {data.nextAt ? ` · next ${at(data.nextAt)}` : ''}
        </span>
      ) : (
        <span>The audience is checked once the journey is live.</span>
      )}
      {data?.everyMinutes != null ? (
        <button
          type="button"
          className="button"
          disabled={now.isPending || last?.status === 'running'}
          onClick={() => now.mutate()}
        >
          <RefreshCw size={14} /> Check now
        </button>
      ) : null}
      {limited && size.data !== undefined ? (
        <span data-testid="entry-duration">
          {size.data.toLocaleString()} in the audience now: at these limits they enter{' '}
          {describeDuration(entryDurationMs(launch, size.data))}
          {launch?.entryCap !== undefined && size.data > launch.entryCap
            ? ` (only the first ${launch.entryCap.toLocaleString()})`
            : ''}
        </span>
      ) : null}
    </div>
  );
}

/** On a running run's page: take this customer out of the journey (asks for the reason, which is audited). */
export function RemoveFromJourneyButton({ runId, status }: { runId: string; status: string }) {
  const remove = useRemoveFromRun(runId);
  if (status !== 'running') return null;
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={remove.isPending || remove.isSuccess}
        title="End this customer's run at its next step, without another message"
        onClick={() => {
          const reason = window.prompt(
            'Take this customer out of the journey? Say why (kept in the audit log):',
          );
          if (reason !== null) remove.mutate(reason);
        }}
      >
        <UserMinus size={14} /> {remove.isSuccess ? 'Removing…' : 'Remove from journey'}
      </button>
      {remove.error ? (
        <span className="launch-error" role="alert">
          {remove.error.message}
        </span>
      ) : null}
    </>
  );
}
