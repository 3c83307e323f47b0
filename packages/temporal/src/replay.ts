/**
 * Replays recorded `journeyRun` histories against the current workflow code and says, in plain words, whether the
 * code still makes the same decisions — and if not, at which history event it diverged.
 *
 * Histories arrive as uploads, so they are checked before the SDK sees them: a file that is not a readable
 * `journeyRun` history is an `InvalidHistoryError` whose message names the problem in a sentence (the parser's own
 * message is kept apart, for logs). The checks also keep out shapes that make the SDK's replay worker hang
 * instead of failing (a first event that is not the start, event ids out of sequence, no workflow task).
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowsPath as defaultWorkflowsPath } from '@wakeflow/workflows/path';

// A CommonJS module: under Node's own ESM loader only its default export is reliable.
const { temporal } = proto;
type History = proto.temporal.api.history.v1.IHistory;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface ReplayReport {
  ok: boolean;
  workflowId: string;
  /** One sentence for a reviewer, in our words (never the SDK's message). */
  summary: string;
  /** The history event the current code diverged at, when it did. */
  divergedAt?: { eventId: number; eventType: string; description: string };
  /** The SDK's own message, for engineers (the CLI prints it; the API logs it and leaves it out of answers). */
  detail?: string;
}

/** An upload that is not a replayable `journeyRun` history. `message` is safe to show; `detail` is for logs. */
export class InvalidHistoryError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'InvalidHistoryError';
  }
}

/** One customer's run, and a cohort of them (workflows/src/cohort-run.ts). */
const JOURNEY_WORKFLOW_TYPES: readonly string[] = ['journeyRun', 'cohortRun'];
/** How long one replay may take before the report says it did not finish (the SDK cannot be cancelled). */
const REPLAY_TIMEOUT_MS = 60_000;

const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  log: () => undefined,
};

let defaultBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflow code once per process (or from another entry point, e.g. a changed interpreter). */
export function bundleForReplay(workflowsPath = defaultWorkflowsPath): Promise<WorkflowBundleWithSourceMap> {
  if (workflowsPath !== defaultWorkflowsPath)
    return bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  defaultBundle ??= bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  return defaultBundle;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readJson(json: unknown): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new InvalidHistoryError('Not a workflow history: the file is not valid JSON', messageOf(error));
  }
}

/** Converts the events one by one, so a bad one is named by its position rather than by the parser's message. */
function readEvents(events: readonly unknown[]): HistoryEvent[] {
  return events.map((event, index) => {
    if (!event || typeof event !== 'object' || Array.isArray(event))
      throw new InvalidHistoryError(`Event ${index + 1} of the history is not an object`);
    try {
      const [read] = historyFromJSON({ events: [event] }).events ?? [];
      if (!read) throw new Error('no event');
      return read;
    } catch (error) {
      throw new InvalidHistoryError(
        `Event ${index + 1} of the history could not be read: an unknown event type or a field of the wrong type`,
        messageOf(error),
      );
    }
  });
}

/** Checks that the SDK can replay the events as a journey run (some malformed histories hang its worker). */
function checkReplayable(events: readonly HistoryEvent[]): void {
  const type = temporal.api.enums.v1.EventType;
  const first = events[0];
  if (!first) throw new InvalidHistoryError('The history has no events');
  const untyped = events.findIndex((e) => !e.eventType);
  if (untyped >= 0)
    throw new InvalidHistoryError(`Event ${untyped + 1} of the history has no known event type`);
  const started = first.workflowExecutionStartedEventAttributes;
  if (first.eventType !== type.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED || !started)
    throw new InvalidHistoryError(
      `The history's first event is ${eventTypeName(first)}, not the start of a workflow execution: upload the whole history`,
    );
  const outOfSequence = events.findIndex((e, index) => Number(e.eventId) !== index + 1);
  if (outOfSequence >= 0)
    throw new InvalidHistoryError(
      `Event ${outOfSequence + 1} of the history has id ${String(events[outOfSequence]?.eventId)}: event ids must run 1, 2, 3, … without gaps`,
    );
  const workflowType = started.workflowType?.name;
  if (workflowType === undefined || workflowType === null || !JOURNEY_WORKFLOW_TYPES.includes(workflowType))
    throw new InvalidHistoryError(
      `This is a history of workflow type “${workflowType ?? 'unknown'}”, not of a journey run (${JOURNEY_WORKFLOW_TYPES.join(' or ')})`,
    );
  if (!events.some((e) => e.eventType === type.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED))
    throw new InvalidHistoryError('The history has no workflow task, so there is nothing to replay');
}

/** Accepts a history as exported by `temporal workflow show -o json`, the Web UI, or this API. */
export function parseHistory(json: unknown): History {
  const value = readJson(json);
  const history =
    value && typeof value === 'object' && 'history' in value && !('events' in value) ? value.history : value;
  const events: unknown =
    history && typeof history === 'object' ? (history as { events?: unknown }).events : null;
  if (!Array.isArray(events))
    throw new InvalidHistoryError('Not a workflow history: expected an object with an "events" array');
  const read = readEvents(events);
  checkReplayable(read);
  return { events: read };
}

function eventTypeName(event: HistoryEvent | undefined): string {
  const raw = event?.eventType;
  if (raw === undefined || raw === null) return 'unknown event';
  const name = typeof raw === 'number' ? (temporal.api.enums.v1.EventType[raw] ?? String(raw)) : String(raw);
  return name.replace(/^EVENT_TYPE_/, '');
}

function describeEvent(event: HistoryEvent | undefined): string {
  const type = eventTypeName(event);
  const activity = event?.activityTaskScheduledEventAttributes?.activityType?.name;
  if (activity) return `the run scheduled activity “${activity}”`;
  const timer = event?.timerStartedEventAttributes?.startToFireTimeout;
  if (timer) return `the run started a timer of ${Number(timer.seconds ?? 0)} s`;
  const signal = event?.workflowExecutionSignaledEventAttributes?.signalName;
  if (signal) return `the run received signal “${signal}”`;
  return `the recorded event was ${type}`;
}

export function explainDivergence(history: History, message: string): ReplayReport['divergedAt'] {
  const events = history.events ?? [];
  const match =
    /HistoryEvent\s*\(\s*id:\s*(\d+)/i.exec(message) ?? /event(?:\s+id)?[:\s#]+(\d+)/i.exec(message);
  const eventId = match ? Number(match[1]) : undefined;
  const event = eventId !== undefined ? events.find((e) => Number(e.eventId) === eventId) : undefined;
  if (eventId === undefined) return undefined;
  return { eventId, eventType: eventTypeName(event), description: describeEvent(event) };
}

export async function replayJourneyHistory(
  historyJson: unknown,
  options: { workflowId?: string; workflowBundle?: WorkflowBundleWithSourceMap; timeoutMs?: number } = {},
): Promise<ReplayReport> {
  const history = parseHistory(historyJson);
  const workflowId = options.workflowId ?? 'replay';
  const workflowBundle = options.workflowBundle ?? (await bundleForReplay());
  const timeoutMs = options.timeoutMs ?? REPLAY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed_out'>((resolve) => {
    timer = setTimeout(() => resolve('timed_out'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      Worker.runReplayHistory({ workflowBundle, replayName: 'wakeflow-replay' }, history, workflowId),
      timedOut,
    ]);
    if (outcome === 'timed_out')
      return {
        ok: false,
        workflowId,
        summary: `The replay did not finish within ${Math.round(timeoutMs / 1000)} s; the history may be incomplete or damaged.`,
      };
    return {
      ok: true,
      workflowId,
      summary: `Replayed ${history.events?.length ?? 0} events: the current code makes the same decisions as the recorded run.`,
    };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const divergedAt = explainDivergence(history, detail);
    const deterministic =
      (error as { name?: string }).name === 'DeterminismViolationError' || /nondetermin/i.test(detail);
    const where = divergedAt
      ? ` at event ${divergedAt.eventId} (${divergedAt.eventType}), where ${divergedAt.description}`
      : '';
    return {
      ok: false,
      workflowId,
      summary: deterministic
        ? `The current code does not replay this run: it diverged${where}. In-flight runs like it would fail; put the change behind patched().`
        : `The replay failed${where}: the workflow code raised an error on this history.`,
      ...(divergedAt ? { divergedAt } : {}),
      detail,
    };
  } finally {
    clearTimeout(timer);
  }
}
