/**
 * An activity's heartbeat details as named sections. Temporal keeps only the last details an attempt heartbeated and
 * hands them to the next attempt (`info.heartbeatDetails`, also after a failed attempt), so two writers in one
 * activity — a cohort node batch noting its members' answers, the message sender noting providers' receipts in its
 * acceptance journal — would wipe each other's notes. Each write here carries every section: those this attempt
 * wrote and those an earlier attempt left that this one has not rewritten. Outside an activity nothing is kept.
 */
import { Context } from '@temporalio/activity';

/** Sections as this attempt last heartbeated them, per running activity. */
const written = new WeakMap<Context, Record<string, unknown>>();

function currentContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // not inside an activity
  }
}

function asSections(details: unknown): Record<string, unknown> {
  return typeof details === 'object' && details !== null && !Array.isArray(details)
    ? (details as Record<string, unknown>)
    : {};
}

/**
 * The section as this attempt last heartbeated it, else as an earlier attempt of this activity left it (undefined
 * outside an activity, or when nobody wrote it).
 */
export function recallHeartbeatSection(name: string): unknown {
  const context = currentContext();
  if (!context) return undefined;
  return (written.get(context) ?? asSections(context.info.heartbeatDetails))[name];
}

/** Heartbeats `value` as the section `name`, with every other section kept; never throws. */
export function heartbeatSection(name: string, value: unknown): void {
  const context = currentContext();
  if (!context) return;
  const sections = { ...(written.get(context) ?? asSections(context.info.heartbeatDetails)), [name]: value };
  written.set(context, sections);
  context.heartbeat(sections);
}
