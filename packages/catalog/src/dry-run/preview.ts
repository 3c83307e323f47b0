/**
 * "Test journey": one customer's path through a plan, previewed. The journey machine runs on a virtual clock
 * (`runOnVirtualClockAsync`) with the scripted events, on the dry-run node services: the same plan semantics as a
 * real run, the send path's rules and the real renderer, and nothing sent or written. It reads the customer, the
 * plan's templates and the workspace's channel settings; a branch on a stored customer is judged by the real
 * condition evaluator (reads only).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { createConditionEvaluator } from '@wakeflow/audience';
import { loadChannelSettings, type SecretKeys } from '@wakeflow/channels';
import {
  describeMessageReason,
  type DescribedCustomer,
  type JourneyPreview,
  type ScriptedEvent,
} from '@wakeflow/contracts';
import { customers, templates, type Database } from '@wakeflow/db';
import { isInHoldout, type CustomerEventPayload, type Plan } from '@wakeflow/journey';
import { runOnVirtualClockAsync, type ScheduledEvent } from '@wakeflow/journey/machine';
import type { NodeCatalog } from '@wakeflow/nodes';
import {
  createDryRunSession,
  describedCustomer,
  type DryRunCustomer,
  type DryRunMessage,
  type DryRunTemplate,
  type DryRunWorld,
} from './dry-run-services';

const DAY_MS = 86_400_000;

export interface PreviewDeps {
  db: Database;
  catalog: NodeCatalog;
  /** Sign the unsubscribe links of rendered messages as sending would; without them the link is a placeholder. */
  links?: { keys: SecretKeys; publicBaseUrl: string };
}

export interface PreviewInput {
  workspaceId: string;
  journeyId: string;
  /** Null for a draft. */
  version: number | null;
  plan: Plan;
  customer: { externalId: string } | { described: DescribedCustomer };
  startAt: Date;
  entryEvent?: { event: string; properties: Record<string, unknown> };
  timeline: readonly ScriptedEvent[];
  answers: Readonly<Record<string, string>>;
  holdout?: boolean;
}

/** The customer named by `externalId` does not exist in the workspace. */
export class PreviewCustomerNotFoundError extends Error {
  constructor(externalId: string) {
    super(`No customer “${externalId}” in this workspace`);
    this.name = 'PreviewCustomerNotFoundError';
  }
}

/** `2026-12-08 08:00 Europe/Paris`: a time as the customer's clock shows it. */
export function localTimeWords(at: string, timeZone: string): string {
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    zone = 'UTC';
  }
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
  return `${parts} ${zone}`;
}

/** The rules' decision in words: `sent`, `skipped: no consent for this channel`, `held until 2026-12-08 08:00 Europe/Paris (quiet hours)`. */
export function decisionWords(message: Pick<DryRunMessage, 'decision'>, timeZone: string): string {
  const { status, reason, retryAt } = message.decision;
  // The message log's words for the same reasons (one list, in the contract).
  const why = describeMessageReason(reason);
  switch (status) {
    case 'sent':
      return 'sent';
    case 'skipped':
      return `skipped: ${why}`;
    case 'failed':
      return `failed: ${why}`;
    case 'deferred':
      return `held until ${retryAt ? localTimeWords(retryAt, timeZone) : '?'} (${why})`;
  }
}

function customerFromDescription(workspaceId: string, described: DescribedCustomer): DryRunCustomer {
  const date = (value: string | null | undefined) => (value ? new Date(value) : null);
  return describedCustomer(workspaceId, {
    externalId: described.externalId ?? 'described customer',
    email: described.email ?? null,
    phone: described.phone ?? null,
    pushToken: described.pushToken ?? null,
    timezone: described.timezone ?? 'UTC',
    birthday: described.birthday ?? null,
    firstName: described.firstName ?? null,
    lastName: described.lastName ?? null,
    signedUpAt: date(described.signedUpAt),
    consent: described.consent ?? {},
    traits: described.traits ?? {},
    tags: described.tags ?? [],
    valueTier: described.valueTier ?? null,
    lastActivityAt: date(described.lastActivityAt),
    lastLoginAt: date(described.lastLoginAt),
    lastPurchaseAt: date(described.lastPurchaseAt),
    purchaseCount: described.purchaseCount ?? 0,
    totalSpend: described.totalSpend ?? 0,
  });
}

/** Template ids the plan's activity steps name. */
function templateIdsOf(plan: Plan): string[] {
  const ids = new Set<string>();
  for (const step of Object.values(plan.steps)) {
    if (step.op !== 'activity') continue;
    const id = step.config.templateId;
    if (typeof id === 'string' && id !== '') ids.add(id);
  }
  return [...ids];
}

/** What a dry run of `plan` needs of the workspace, loaded once: its channel settings and the plan's templates. */
export async function loadDryRunWorld(
  deps: PreviewDeps,
  workspaceId: string,
  plan: Plan,
): Promise<DryRunWorld> {
  const { db, catalog } = deps;
  const ids = templateIdsOf(plan);
  const [settings, templateRows] = await Promise.all([
    loadChannelSettings(db, workspaceId),
    ids.length
      ? db
          .select()
          .from(templates)
          .where(and(eq(templates.workspaceId, workspaceId), inArray(templates.id, ids)))
      : Promise.resolve([]),
  ]);
  return {
    workspaceId,
    settings,
    templates: new Map<string, DryRunTemplate>(templateRows.map((t) => [t.id, t])),
    catalog,
    ...(deps.links ? { links: deps.links } : {}),
  };
}

export async function previewJourneyPath(deps: PreviewDeps, input: PreviewInput): Promise<JourneyPreview> {
  const { db } = deps;
  const { workspaceId, plan } = input;
  let customer: DryRunCustomer;
  const stored = 'externalId' in input.customer;
  if ('externalId' in input.customer) {
    const externalId = input.customer.externalId;
    const [row] = await db
      .select()
      .from(customers)
      .where(and(eq(customers.workspaceId, workspaceId), eq(customers.externalId, externalId)));
    if (!row) throw new PreviewCustomerNotFoundError(externalId);
    customer = row;
  } else {
    customer = customerFromDescription(workspaceId, input.customer.described);
  }
  const world = await loadDryRunWorld(deps, workspaceId, plan);

  const startMs = input.startAt.getTime();
  const entryEvent: CustomerEventPayload | undefined = input.entryEvent && {
    eventId: 'preview-entry',
    name: input.entryEvent.event,
    properties: input.entryEvent.properties,
    occurredAt: input.startAt.toISOString(),
  };
  const events: ScheduledEvent[] = input.timeline.map((e, i) => {
    const atMs = startMs + Math.round(e.day * DAY_MS);
    return {
      atMs,
      event: {
        eventId: `preview-${i}`,
        name: e.event,
        properties: e.properties,
        occurredAt: new Date(atMs).toISOString(),
      },
    };
  });
  // A stored customer is in the holdout as their real run would be; a described one has no stable id to hash, so
  // they get the journey (what the manager wants to see) unless the request says otherwise.
  const holdout =
    input.holdout ??
    (stored ? isInHoldout(input.journeyId, customer.id, plan.settings.holdoutPercent) : false);
  const run = {
    journeyId: input.journeyId,
    customerId: customer.id,
    holdout,
    ...(entryEvent ? { entryEvent } : {}),
    plan,
  };
  const session = createDryRunSession(world, run, customer, {
    ...(stored ? { conditions: createConditionEvaluator(db) } : {}),
    answers: input.answers,
    version: input.version ?? 0,
  });
  const result = await runOnVirtualClockAsync(run, { startMs, events, hooks: session.hooks });

  const steps = result.steps.map((step, i) => {
    const next = result.steps[i + 1];
    const planStep = plan.steps[step.nodeId];
    const outcome = next?.previousOutcome;
    return {
      stepId: step.nodeId,
      seq: step.seq,
      type: planStep?.type ?? 'unknown',
      ...(planStep?.name ? { name: planStep.name } : {}),
      at: step.at,
      ...(outcome !== undefined ? { outcome } : {}),
      ...(next?.splitArm && next.splitArm.stepId === step.nodeId ? { splitArm: next.splitArm.arm } : {}),
      notes: session.notes.get(step.nodeId) ?? [],
    };
  });
  const name = [customer.firstName, customer.lastName].filter((s) => s && s.trim() !== '').join(' ');
  return {
    journeyId: input.journeyId,
    version: input.version,
    customer: {
      id: stored ? customer.id : null,
      externalId: customer.externalId,
      name: name || null,
      timezone: customer.timezone,
    },
    startedAt: input.startAt.toISOString(),
    holdout,
    // A preview sets no horizon, so its run never stops `open`; were it to, it did not reach an end: stuck.
    status: result.status === 'open' ? 'stuck' : result.status,
    ...(result.outcome !== undefined ? { outcome: result.outcome } : {}),
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    ...(result.finish ? { endedAt: result.finish.at } : {}),
    steps,
    messages: session.messages.map((m) => ({
      stepId: m.stepId,
      at: m.at,
      channel: m.channel,
      templateId: m.templateId,
      ...(m.templateName !== undefined ? { templateName: m.templateName } : {}),
      status: m.decision.status,
      ...(m.decision.reason !== undefined ? { reason: m.decision.reason } : {}),
      ...(m.decision.retryAt !== undefined ? { retryAt: m.decision.retryAt } : {}),
      decision: decisionWords(m, customer.timezone),
      checks: m.decision.checks,
      ...(m.decision.to !== undefined ? { to: m.decision.to } : {}),
      ...(m.rendered ? { rendered: m.rendered } : {}),
    })),
    events: events.map((e) => ({ at: e.event.occurredAt, event: e.event.name })),
  };
}
