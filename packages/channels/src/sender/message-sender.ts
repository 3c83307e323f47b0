/**
 * `createMessageSender()`: the `MessageSender` the send node calls. Exactly once, within the rules:
 *
 * 1. Record first. The message row is inserted under its idempotency key (run + step, unique) before anything
 *    else; a retry or replay finds it, and a row already `sent`, `skipped` or `failed` is answered from the log.
 * 2. Rules, in order: holdout (skipped, no provider call), consent, recipient, rendering, send time (quiet hours
 *    and the node's window), and the frequency cap with journey priority (skip or wait). "Not now" is answered as
 *    `deferred` with `retryAt`: the journey sleeps on a durable timer and asks again with the same key, so a
 *    deferral uses no activity retries. Rules judge by the request's `requestedAt` (the journey's clock).
 * 3. Dispatch. Passing the rules marks the row dispatched (it now counts against caps) in the same transaction as
 *    the cap check, and stores the rendered payload, so every later attempt sends identical content.
 * 4. Deliver. Under a lease on the row (at most one attempt talks to the provider at a time, even when Temporal
 *    starts a new attempt while a timed-out one still runs; no connection is held meanwhile) the provider is called
 *    with the idempotency key, then the row is marked `sent`. Transient failures are retried by the caller (`send`
 *    throws them for Temporal's backoff; `sendBatch` answers them as `retry`); permanent ones are recorded as
 *    `failed` with the provider's answer and returned.
 *
 * Calling the provider and recording its answer are separate: once the provider accepted, the sender notes the receipt
 * in the acceptance journal (the activity's heartbeat details, kept by Temporal across attempts) and then writes the
 * row, retrying that write through a database outage until its lease runs out. A later attempt that finds a receipt
 * in the journal only records it. So a PostgreSQL or Temporal outage never makes the provider be called twice;
 * `attempts` counts the calls made to the provider.
 *
 * A crash between 3 and 4 re-runs 4 on the next attempt (nothing lost; a lease left behind delays it until it
 * expires). A worker that dies after the provider accepted but before the receipt reached the journal calls the
 * provider again with the same key: providers that deduplicate by key (log, HTTP with an idempotency header) deliver
 * once; those that cannot (SMTP, Twilio) may deliver twice in that window — the one documented at-least-once corner
 * (docs/reliability.md).
 *
 * One path for one message and for many: `send` is a batch of one. A batch (one step of a cohort: same workspace,
 * template, channel, node and journey) goes through each stage above in set-based statements — one insert of all
 * rows, one read of the customers, the rules and rendering in memory, the cap counted for all its customers under
 * their locks in one transaction, one dispatch update, the rate limit's slots in one upsert, one lease update, the
 * provider's batch API (or a few calls at a time), one `sent` update and one insert of the delivered events.
 */
import { and, eq, sql } from 'drizzle-orm';
import { customers, journeyVersions, runs, templates, type Database } from '@wakeflow/db';
import type {
  BatchSendResult,
  MessageSender,
  SendRequest,
  SendResult,
  SendRetry,
} from '@wakeflow/nodes/spec';
import { anyOf } from '../any-of';
import { addressPolicyFromEnv, type AddressPolicy } from '../net/address-policy';
import { deliverAll } from '../providers/deliver-all';
import type { ProviderRow } from '../providers/store';
import { createProviderResolver, type ProviderResolver, type ResolvedProvider } from '../providers/resolver';
import type { DeliveryReceipt, MessageProvider } from '../providers/types';
import { loadChannelSettings, type ChannelSettings } from '../rules/channel-settings';
import {
  countedDispatchesOf,
  decideFrequencyCap,
  lockCustomersForCap,
  type CapDecision,
} from '../rules/frequency-cap';
import { createSharedRateLimiter, type RateLimiter } from '../rules/rate-limiter';
import { judgeSendRules } from '../rules/send-rules';
import { loadSecretKeys, type SecretKeys } from '../secrets/keys';
import { createDbEventRecorder, type ChannelEvent, type EventRecorder } from '../tracking/events';
import type { AcceptanceJournal } from './acceptance-journal';
import { composePayload, readPayload, type StoredPayload } from './compose';
import { providerUnavailable, sendInProgress } from './failures';
import {
  currentRows,
  markDeferred,
  markDispatched,
  markFinal,
  markRefused,
  markSent,
  recordRows,
  takeLeases,
  type DeferMark,
  type DispatchMark,
  type FinalMark,
  type MessageRow,
  type RefusalMark,
  type SentMark,
  type Transaction,
} from './message-rows';
import { throughOutage } from './through-outage';

export interface MessageSenderDeps {
  db: Database;
  /** Public origin of the API for unsubscribe, pixel and click links. */
  publicBaseUrl: string;
  /** Defaults to `WAKEFLOW_SECRET_KEY` from the environment. */
  keys?: SecretKeys;
  /** Defaults to the operator's policy from the environment. */
  addressPolicy?: AddressPolicy;
  /** Defaults to inserting into `events`; pass the ingest function so waiting journeys are signalled. */
  events?: EventRecorder;
  rateLimiter?: RateLimiter;
  /** Longest a send waits in-process for its rate limit before answering `deferred`. */
  maxRateLimitWaitMs?: number;
  /**
   * How long one attempt may talk to the provider before another may try (above every provider timeout, at most the
   * send activity's start-to-close). A crash mid-call delays the retry by at most this much.
   */
  leaseMs?: number;
  /** Where a provider's acceptance is noted outside the database (Temporal heartbeat details in the worker). */
  acceptances?: AcceptanceJournal;
  /** The wall clock for leases and `sent_at`; rules use the request's `requestedAt`. */
  now?: () => Date;
  /** With no provider configured for a channel: record to the outbox (development default) or fail the send. */
  fallbackToLog?: boolean;
  /** Replaces the built-in provider kinds (tests). */
  buildProvider?: (row: ProviderRow, secrets: Record<string, string>) => MessageProvider;
  /** Crash points for tests: an exception here behaves like the worker dying at that moment. */
  hooks?: {
    afterDispatchRecorded?(messageId: string): void | Promise<void>;
    afterProviderAccepted?(messageId: string): void | Promise<void>;
  };
}

export interface ChannelMessageSender extends MessageSender {
  /** Closes pooled provider connections. */
  close(): Promise<void>;
}

const DEFAULT_PRIORITY = 5;

/**
 * Requests handled together at most; a bigger batch goes as consecutive batches of this many (the statements'
 * parameters and the heartbeat of a batch's receipts stay bounded).
 */
export const MAX_SEND_BATCH = 1_000;

/**
 * Customers whose cap is decided in one transaction at most. Advisory locks live in PostgreSQL's shared lock table
 * (`max_locks_per_transaction` × connections, 6,400 by default), which several concurrent batches of a thousand
 * would exhaust.
 */
const CAP_CUSTOMERS_PER_TRANSACTION = 500;

/** The retry answer, with the provider's answer `send` puts in its failure's details. */
interface RetryAnswer extends SendRetry {
  details: Record<string, unknown>;
}
type Answer = SendResult | RetryAnswer;

/** The answer for a row in a final state. */
function resultOf(row: MessageRow): SendResult {
  const status = row.status === 'pending' ? 'failed' : row.status;
  return { messageId: row.id, status, ...(row.reason ? { reason: row.reason } : {}) };
}

/** The journey's clock for rule decisions: the step's workflow time, so tests and replays see virtual time. */
function ruleClock(req: SendRequest, fallback: () => Date): Date {
  const t = req.requestedAt ? Date.parse(req.requestedAt) : NaN;
  return Number.isFinite(t) ? new Date(t) : fallback();
}

/** Requests of one batch share the step: a mixed batch is a caller's bug, refused before anything is written. */
function assertOneStep(requests: readonly SendRequest[]): void {
  const first = requests[0];
  if (!first) return;
  for (const [i, req] of requests.entries()) {
    for (const field of ['workspaceId', 'templateId', 'channel', 'nodeId', 'journeyId'] as const) {
      if (req[field] !== first[field])
        throw new Error(
          `sendBatch: request ${i} has ${field} “${req[field]}”, request 0 “${first[field]}”: a batch is one step's messages`,
        );
    }
  }
}

/** A message to be sent and the request it answers. */
interface Item {
  req: SendRequest;
  row: MessageRow;
}

/** A dispatched message ready for its provider. */
interface Ready extends Item {
  resolved: ResolvedProvider;
  payload: StoredPayload;
}

/** A provider's receipt for a message (now, or noted by an earlier attempt). */
interface Accepted {
  item: Ready;
  receipt: DeliveryReceipt;
}

/** What one batch decided and what it still has to write, collected stage by stage. */
class BatchOutcome {
  readonly answers = new Map<string, Answer>();
  readonly finals: (FinalMark & { row: MessageRow })[] = [];
  readonly defers: DeferMark[] = [];
  /** Rows sent (now or earlier) whose delivered event is (re)recorded, with the provider that took them. */
  readonly delivered: { row: MessageRow; provider: string }[] = [];
  /** Customers' external ids the batch has read (their events need them). */
  readonly externalIds = new Map<string, string>();

  finish(row: MessageRow, status: 'skipped' | 'failed', reason: string): void {
    this.finals.push({ id: row.id, row, status, reason });
  }

  defer(row: MessageRow, until: Date, rule: string): void {
    this.defers.push({ id: row.id, until, rule });
    this.answers.set(row.id, {
      messageId: row.id,
      status: 'deferred',
      reason: rule,
      retryAt: until.toISOString(),
    });
  }

  answerFromRow(row: MessageRow): void {
    this.answers.set(row.id, resultOf(row));
  }
}

export function createMessageSender(deps: MessageSenderDeps): ChannelMessageSender {
  const db = deps.db;
  const keys = deps.keys ?? loadSecretKeys();
  const now = deps.now ?? (() => new Date());
  const recorder = deps.events ?? createDbEventRecorder(db);
  const rateLimiter = deps.rateLimiter ?? createSharedRateLimiter(db);
  const maxRateWait = deps.maxRateLimitWaitMs ?? 2_000;
  const leaseMs = deps.leaseMs ?? 60_000;
  const resolver: ProviderResolver = createProviderResolver({
    db,
    keys,
    policy: deps.addressPolicy ?? addressPolicyFromEnv(),
    fallbackToLog: deps.fallbackToLog ?? true,
    ...(deps.buildProvider ? { build: deps.buildProvider } : {}),
  });

  /** The journeys' priorities from the requests, else from the plans their runs were started on (one read). */
  async function prioritiesOf(items: readonly Item[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unknown = items.filter((i) => i.req.priority === undefined).map((i) => i.req.runId);
    if (unknown.length) {
      const rows = await db
        .select({
          runId: runs.id,
          priority: sql<string | null>`${journeyVersions.plan}->'settings'->>'priority'`,
        })
        .from(runs)
        .innerJoin(
          journeyVersions,
          and(eq(journeyVersions.journeyId, runs.journeyId), eq(journeyVersions.version, runs.version)),
        )
        .where(anyOf(runs.id, [...new Set(unknown)], 'uuid'));
      for (const row of rows) {
        const parsed = Number(row.priority);
        if (Number.isInteger(parsed) && parsed >= 1 && parsed <= 10) out.set(row.runId, parsed);
      }
    }
    for (const { req } of items) out.set(req.runId, req.priority ?? out.get(req.runId) ?? DEFAULT_PRIORITY);
    return out;
  }

  /**
   * Steps 2–3 for rows not yet dispatched: rules, rendering, the cap and the dispatch mark. Returns the rows
   * dispatched now, and those another attempt dispatched meanwhile (to resume); the others are in `outcome`.
   */
  async function decide(
    items: readonly Item[],
    template: typeof templates.$inferSelect,
    settingsOf: () => Promise<ChannelSettings>,
    outcome: BatchOutcome,
  ): Promise<{ ready: Ready[]; resume: Item[] }> {
    if (items.length === 0) return { ready: [], resume: [] };
    const { workspaceId, channel } = items[0]!.req;
    const settings = await settingsOf();
    const found = await db
      .select()
      .from(customers)
      .where(
        and(
          eq(customers.workspaceId, workspaceId),
          anyOf(customers.id, [...new Set(items.map((i) => i.req.customerId))], 'uuid'),
        ),
      );
    const customerById = new Map(found.map((c) => [c.id, c]));
    for (const c of found) outcome.externalIds.set(c.id, c.externalId);
    const category = template.category;

    let resolved: ResolvedProvider | null | undefined;
    const passed: (Item & { at: Date; payload: StoredPayload })[] = [];
    for (const item of items) {
      const { req, row } = item;
      const at = ruleClock(req, now);
      const customer = customerById.get(req.customerId);
      if (!customer) {
        outcome.finish(row, 'failed', 'customer_not_found');
        continue;
      }
      const verdict = judgeSendRules({
        customer,
        channel: req.channel,
        category,
        settings,
        at,
        ...(req.sendWindow ? { sendWindow: req.sendWindow } : {}),
      });
      if (verdict.action === 'skip') outcome.finish(row, 'skipped', verdict.reason);
      else if (verdict.action === 'fail') outcome.finish(row, 'failed', verdict.reason);
      else if (verdict.action === 'defer') outcome.defer(row, verdict.until, verdict.rule);
      if (verdict.action !== 'go') continue;
      const payload = await composePayload({
        req,
        messageId: row.id,
        customer,
        template,
        settings,
        to: verdict.to,
        at,
        keys,
        publicBaseUrl: deps.publicBaseUrl,
      });
      if ('error' in payload) {
        outcome.finish(row, 'failed', payload.error);
        continue;
      }
      if (resolved === undefined) resolved = await resolver.forChannel(workspaceId, channel);
      if (!resolved) {
        outcome.finish(row, 'failed', 'no_provider');
        continue;
      }
      passed.push({ ...item, at, payload });
    }
    if (!resolved || passed.length === 0) return { ready: [], resume: [] };
    const provider = resolved;

    const capped = category === 'marketing' && settings.frequencyCap.enabled;
    const priorities = capped
      ? await prioritiesOf(passed)
      : new Map(passed.map(({ req }) => [req.runId, req.priority ?? DEFAULT_PRIORITY]));

    // Under the cap each customer's messages stay in one transaction, so the batch decides them in order, as sends
    // one by one would; without it, one update dispatches them all.
    const chunks: (typeof passed)[] = [];
    if (capped) {
      const byCustomer = new Map<string, typeof passed>();
      for (const p of passed) {
        const list = byCustomer.get(p.req.customerId);
        if (list) list.push(p);
        else byCustomer.set(p.req.customerId, [p]);
      }
      const groups = [...byCustomer.values()];
      for (let g = 0; g < groups.length; g += CAP_CUSTOMERS_PER_TRANSACTION)
        chunks.push(groups.slice(g, g + CAP_CUSTOMERS_PER_TRANSACTION).flat());
    } else chunks.push(passed);
    const ready: Ready[] = [];
    const lost: Item[] = [];
    for (const chunk of chunks) {
      const dispatchChunk = async (tx: Database | Transaction) => {
        const capOf = new Map<string, CapDecision>();
        if (capped) {
          const ids = [...new Set(chunk.map((p) => p.req.customerId))];
          await lockCustomersForCap(tx, ids);
          // From the earliest member's window on; each member's decision counts only its own window.
          const earliest = new Date(Math.min(...chunk.map((p) => p.at.getTime())));
          const counted = await countedDispatchesOf(tx, ids, earliest, settings.frequencyCap, {
            exclude: chunk.map((p) => p.row.id),
          });
          for (const p of chunk) {
            const list = counted.get(p.req.customerId) ?? [];
            const cap = decideFrequencyCap(list, priorities.get(p.req.runId)!, p.at, settings.frequencyCap);
            capOf.set(p.row.id, cap);
            // A later message of the batch to the same customer counts this one, as it would one by one.
            if (cap.action === 'send') counted.set(p.req.customerId, [...list, p.at]);
          }
        }
        const marks: DispatchMark[] = chunk
          .filter((p) => (capOf.get(p.row.id) ?? { action: 'send' }).action === 'send')
          .map((p) => ({
            id: p.row.id,
            dispatchedAt: p.at,
            priority: priorities.get(p.req.runId)!,
            category,
            provider: provider.provider.id,
            recipient: p.payload.to,
            subject: p.payload.subject,
            body: p.payload.text,
            payload: { ...p.payload },
            costMicros: provider.unitCostMicros,
          }));
        const dispatched = await markDispatched(tx, marks);
        return { capOf, marks, dispatched };
      };
      const decisions = capped ? await db.transaction(dispatchChunk) : await dispatchChunk(db);
      for (const p of chunk) {
        const cap = decisions.capOf.get(p.row.id);
        if (cap?.action === 'skip') outcome.finish(p.row, 'skipped', 'frequency_cap');
        else if (cap?.action === 'wait') outcome.defer(p.row, cap.until, 'frequency_cap');
      }
      const markById = new Map(decisions.marks.map((m) => [m.id, m]));
      for (const p of chunk) {
        const mark = markById.get(p.row.id);
        if (!mark) continue;
        if (!decisions.dispatched.has(p.row.id)) {
          // Another attempt dispatched or finished it meanwhile: continue from what it recorded.
          lost.push(p);
          continue;
        }
        const row: MessageRow = {
          ...p.row,
          dispatchedAt: mark.dispatchedAt,
          priority: mark.priority,
          category,
          provider: mark.provider,
          recipient: mark.recipient,
          subject: mark.subject,
          body: mark.body,
          payload: mark.payload,
          costMicros: mark.costMicros,
          deferredUntil: null,
          reason: null,
        };
        ready.push({ req: p.req, row, resolved: provider, payload: p.payload });
      }
    }
    const resume: Item[] = [];
    const current = await currentRows(
      db,
      lost.map((l) => l.row.id),
    );
    for (const { req, row } of lost) {
      const latest = current.get(row.id);
      if (latest?.status === 'pending') resume.push({ req, row: latest });
      else outcome.answerFromRow(latest ?? row);
    }
    return { ready, resume };
  }

  /** Rows dispatched by an earlier attempt: same provider, same content. */
  async function resume(items: readonly Item[], outcome: BatchOutcome): Promise<Ready[]> {
    const providers = new Map<string, ResolvedProvider | null>();
    const ready: Ready[] = [];
    for (const { req, row } of items) {
      const payload = readPayload(row.payload);
      if (!payload) {
        outcome.finish(row, 'failed', 'dispatched_without_payload');
        continue;
      }
      const key = row.provider ?? '';
      if (!providers.has(key))
        providers.set(
          key,
          (row.provider ? await resolver.byId(row.workspaceId, row.provider, row.channel) : null) ??
            (await resolver.forChannel(row.workspaceId, row.channel)),
        );
      const resolved = providers.get(key);
      if (!resolved) {
        outcome.finish(row, 'failed', 'no_provider');
        continue;
      }
      ready.push({ req, row, resolved, payload });
    }
    return ready;
  }

  /** Writes the rules' final answers and deferrals; a row another attempt finished first answers as it says. */
  async function writeDecisions(outcome: BatchOutcome): Promise<void> {
    const finals = outcome.finals.splice(0);
    const changed = await markFinal(db, finals);
    const unchanged = finals.filter((f) => !changed.has(f.id));
    const current = await currentRows(
      db,
      unchanged.map((f) => f.id),
    );
    for (const f of finals) {
      if (changed.has(f.id)) outcome.answerFromRow({ ...f.row, status: f.status, reason: f.reason });
      else outcome.answerFromRow(current.get(f.id) ?? f.row);
    }
    await markDeferred(db, outcome.defers.splice(0));
  }

  /**
   * Step 4: per provider, the rate limit's slots, the leases and the provider call(s); then the rows. Returns, after
   * recording the others, an error no provider answer explains (a bug) for the caller to throw.
   */
  async function deliver(
    ready: readonly Ready[],
    settingsOf: () => Promise<ChannelSettings>,
    outcome: BatchOutcome,
  ): Promise<{ error: unknown } | undefined> {
    const recalled: Accepted[] = [];
    const fresh: Ready[] = [];
    for (const item of ready) {
      const receipt = deps.acceptances?.recall(item.row.id);
      if (receipt) recalled.push({ item, receipt });
      else fresh.push(item);
    }
    let leaseEnd = now().getTime() + leaseMs;
    let crash: { error: unknown } | undefined;
    const accepted: Accepted[] = [];
    const refusals: (RefusalMark & { item: Ready; message: string; answer: Record<string, unknown> })[] = [];

    const byProvider = new Map<string, Ready[]>();
    for (const item of fresh) {
      const list = byProvider.get(item.resolved.provider.id);
      if (list) list.push(item);
      else byProvider.set(item.resolved.provider.id, [item]);
    }
    for (const [providerId, items] of byProvider) {
      const { workspaceId, channel } = items[0]!.row;
      const limits = (await settingsOf()).rateLimits;
      const perSecond = channel === 'webhook' ? limits.push : limits[channel];
      const slots = await rateLimiter.acquireMany(
        `${workspaceId}/${providerId}`,
        perSecond,
        items.length,
        maxRateWait,
      );
      for (const { req, row } of items.slice(slots.granted))
        outcome.defer(row, new Date(ruleClock(req, now).getTime() + slots.retryAfterMs), 'rate_limit');
      const permitted = items.slice(0, slots.granted);

      // Take the leases: no database connection is held while the provider answers, yet only one attempt calls it.
      const wall = now();
      const leaseUntil = new Date(wall.getTime() + leaseMs);
      const leased = await takeLeases(
        db,
        permitted.map((i) => i.row.id),
        wall,
        leaseUntil,
      );
      const busy = permitted.filter((i) => !leased.has(i.row.id));
      const current = await currentRows(
        db,
        busy.map((i) => i.row.id),
      );
      for (const { row } of busy) {
        const latest = current.get(row.id);
        if (latest && latest.status !== 'pending') {
          outcome.answerFromRow(latest);
          continue;
        }
        const waitMs = Math.max(1_000, (latest?.leaseUntil?.getTime() ?? wall.getTime()) - wall.getTime());
        outcome.answers.set(row.id, {
          messageId: row.id,
          status: 'retry',
          cause: 'send_in_progress',
          reason: sendInProgress(row.id, waitMs).message,
          retryAfterMs: waitMs,
          details: { messageId: row.id },
        });
      }
      const calling = permitted.filter((i) => leased.has(i.row.id));
      if (calling.length === 0) continue;
      leaseEnd = Math.min(leaseEnd, leaseUntil.getTime());
      const outcomes = await deliverAll(
        calling[0]!.resolved.provider,
        calling.map(({ row, payload }) => ({
          messageId: row.id,
          idempotencyKey: row.idempotencyKey,
          channel: row.channel,
          ...payload,
        })),
      );
      outcomes.forEach((o, i) => {
        const item = calling[i]!;
        if ('receipt' in o) accepted.push({ item, receipt: o.receipt });
        else if ('refused' in o) {
          const { kind, message, response } = o.refused;
          refusals.push({
            id: item.row.id,
            item,
            message,
            answer: response,
            permanent: kind === 'permanent',
            reason: kind === 'permanent' ? `provider: ${message}` : `retrying: ${message}`,
            response: { ...response, error: message },
          });
        } else crash ??= { error: o.crashed };
      });
    }

    // The receipts are noted outside the database first: from here on no attempt calls the provider for them again.
    if (accepted.length) deps.acceptances?.remember(new Map(accepted.map((a) => [a.item.row.id, a.receipt])));
    for (const a of accepted) await deps.hooks?.afterProviderAccepted?.(a.item.row.id);

    const refused = await markRefused(db, refusals);
    for (const { item, permanent, message, reason, answer } of refusals) {
      const id = item.row.id;
      if (!permanent)
        outcome.answers.set(id, {
          messageId: id,
          status: 'retry',
          cause: 'provider_unavailable',
          reason: message,
          details: { messageId: id, ...answer },
        });
      else if (refused.has(id)) outcome.answerFromRow({ ...item.row, status: 'failed', reason });
      else outcome.answers.set(id, { messageId: id, status: 'failed', reason });
    }
    await recordSent([...recalled, ...accepted], leaseEnd, outcome);
    return crash;
  }

  /**
   * The provider accepted (now or in an earlier attempt): the rows say so, and each delivery is an event. Until the
   * leases run out no other attempt calls the provider, so the recording may wait out an outage that long.
   */
  async function recordSent(
    accepted: readonly Accepted[],
    deadlineMs: number,
    outcome: BatchOutcome,
  ): Promise<void> {
    if (accepted.length === 0) return;
    const marks: SentMark[] = accepted.map(({ item, receipt }) => ({
      id: item.row.id,
      providerMessageId: receipt.providerMessageId,
      response: receipt.response,
    }));
    const sentAt = now();
    const changed = await throughOutage(() => markSent(db, marks, sentAt), {
      deadlineMs: deadlineMs - 1_000,
      now: () => now().getTime(),
    });
    const current = await currentRows(
      db,
      accepted.filter((a) => !changed.has(a.item.row.id)).map((a) => a.item.row.id),
    );
    for (const { item, receipt } of accepted) {
      const final: MessageRow = changed.has(item.row.id)
        ? {
            ...item.row,
            status: 'sent',
            reason: null,
            leaseUntil: null,
            sentAt,
            providerMessageId: receipt.providerMessageId,
            providerResponse: receipt.response,
          }
        : (current.get(item.row.id) ?? item.row);
      outcome.answerFromRow(final);
      if (final.status === 'sent')
        outcome.delivered.push({ row: final, provider: item.resolved.provider.id });
    }
  }

  /** `message_delivered` for the rows sent, one insert (idempotent: the event id is the message's). */
  async function recordDelivered(outcome: BatchOutcome): Promise<void> {
    const { delivered, externalIds } = outcome;
    if (delivered.length === 0) return;
    const unread = [...new Set(delivered.map((d) => d.row.customerId))].filter((id) => !externalIds.has(id));
    if (unread.length) {
      const found = await db
        .select({ id: customers.id, externalId: customers.externalId })
        .from(customers)
        .where(anyOf(customers.id, unread, 'uuid'));
      for (const c of found) externalIds.set(c.id, c.externalId);
    }
    const events: ChannelEvent[] = [];
    for (const { row, provider } of delivered) {
      const customerExternalId = externalIds.get(row.customerId);
      if (customerExternalId === undefined) continue;
      events.push({
        workspaceId: row.workspaceId,
        eventId: `msg:${row.id}:delivered`,
        customerId: row.customerId,
        customerExternalId,
        name: 'message_delivered',
        properties: {
          message_id: row.id,
          channel: row.channel,
          journey_id: row.journeyId,
          node_id: row.nodeId,
          template_id: row.templateId,
          provider,
        },
        occurredAt: row.sentAt ?? now(),
      });
    }
    await recorder.recordMany(events);
  }

  /** One batch of distinct idempotency keys, at most MAX_SEND_BATCH: an answer per request, in order. */
  async function sendDistinct(requests: readonly SendRequest[]): Promise<Answer[]> {
    const { workspaceId, templateId } = requests[0]!;
    const [template] = await db
      .select()
      .from(templates)
      .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, templateId)));
    const rows = await recordRows(db, requests, template?.category ?? 'marketing');
    const outcome = new BatchOutcome();

    const toDecide: Item[] = [];
    const toResume: Item[] = [];
    for (const req of requests) {
      const row = rows.get(req.idempotencyKey)!;
      if (row.status === 'sent') {
        // The delivered event may not have been written if the worker died right after the update.
        outcome.delivered.push({ row, provider: row.provider ?? 'unknown' });
        outcome.answerFromRow(row);
      } else if (row.status !== 'pending') outcome.answerFromRow(row);
      else if (req.holdout) outcome.finish(row, 'skipped', 'holdout');
      else if (row.dispatchedAt) toResume.push({ req, row });
      else if (!template) outcome.finish(row, 'failed', 'template_not_found');
      else if (template.channel !== req.channel)
        outcome.finish(row, 'failed', `template_channel_mismatch: ${template.channel}`);
      else toDecide.push({ req, row });
    }

    let settingsRead: Promise<ChannelSettings> | undefined;
    const settings = () => (settingsRead ??= loadChannelSettings(db, workspaceId));
    const decided = template
      ? await decide(toDecide, template, settings, outcome)
      : { ready: [], resume: [] };
    const resumed = await resume([...toResume, ...decided.resume], outcome);
    await writeDecisions(outcome);

    const ready = [...decided.ready, ...resumed];
    for (const { row } of ready) await deps.hooks?.afterDispatchRecorded?.(row.id);
    const crash = await deliver(ready, settings, outcome);
    await writeDecisions(outcome);
    await recordDelivered(outcome);
    if (crash) throw crash.error;
    return requests.map((req) => {
      const id = rows.get(req.idempotencyKey)!.id;
      const answer = outcome.answers.get(id);
      if (!answer) throw new Error(`No answer for message ${id}`);
      return answer;
    });
  }

  async function sendMany(requests: readonly SendRequest[]): Promise<Answer[]> {
    assertOneStep(requests);
    // A key asked twice in one batch is one message: both requests get its answer.
    const distinct = [...new Map(requests.map((r) => [r.idempotencyKey, r])).values()];
    const byKey = new Map<string, Answer>();
    for (let i = 0; i < distinct.length; i += MAX_SEND_BATCH) {
      const chunk = distinct.slice(i, i + MAX_SEND_BATCH);
      const answers = await sendDistinct(chunk);
      chunk.forEach((req, j) => byKey.set(req.idempotencyKey, answers[j]!));
    }
    return requests.map((r) => byKey.get(r.idempotencyKey)!);
  }

  return {
    async send(req: SendRequest): Promise<SendResult> {
      const [answer] = await sendMany([req]);
      if (answer!.status !== 'retry') return answer!;
      // What a batch answers as `retry`, a single send throws for Temporal's retry policy.
      if (answer!.cause === 'send_in_progress')
        throw sendInProgress(answer!.messageId, answer!.retryAfterMs ?? 1_000);
      throw providerUnavailable(answer!.reason, answer!.details);
    },
    async sendBatch(requests: readonly SendRequest[]): Promise<BatchSendResult[]> {
      if (requests.length === 0) return [];
      return (await sendMany(requests)).map((answer): BatchSendResult => {
        if (answer.status !== 'retry') return answer;
        const { messageId, status, cause, reason, retryAfterMs } = answer;
        return { messageId, status, cause, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
      });
    },
    close: () => resolver.close(),
  };
}
