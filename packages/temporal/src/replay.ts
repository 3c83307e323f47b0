/**
 * Replays recorded `journeyRun` histories against the current workflow code and says, in plain words, whether the
 * code still makes the same decisions — and if not, at which history event it diverged.
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
  /** One sentence for a reviewer. */
  summary: string;
  /** The history event the current code diverged at, when it did. */
  divergedAt?: { eventId: number; eventType: string; description: string };
  /** The SDK's own message, for engineers. */
  detail?: string;
}

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

/** Accepts a history as exported by `temporal workflow show -o json`, the Web UI, or this API. */
export function parseHistory(json: unknown): History {
  const value = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  const history =
    value && typeof value === 'object' && 'history' in value && !('events' in value)
      ? (value as { history: unknown }).history
      : value;
  if (!history || typeof history !== 'object' || !Array.isArray((history as { events?: unknown }).events)) {
    throw new Error('Not a workflow history: expected an object with an "events" array');
  }
  return historyFromJSON(history);
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
  options: { workflowId?: string; workflowBundle?: WorkflowBundleWithSourceMap } = {},
): Promise<ReplayReport> {
  const history = parseHistory(historyJson);
  const workflowId = options.workflowId ?? 'replay';
  const workflowBundle = options.workflowBundle ?? (await bundleForReplay());
  try {
    await Worker.runReplayHistory({ workflowBundle, replayName: 'wakeflow-replay' }, history, workflowId);
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
        : `The replay failed${where}: ${detail}`,
      ...(divergedAt ? { divergedAt } : {}),
      detail,
    };
  }
}
