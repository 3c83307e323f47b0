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
 *    with the idempotency key, then the row is marked `sent`. Transient failures throw (Temporal retries with
 *    backoff); permanent ones are recorded as `failed` with the provider's answer and returned.
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
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { customers, journeyVersions, messages, runs, templates, type Database } from '@wakeflow/db';
import { ApplicationFailure } from '@temporalio/common';
import type { BatchSendResult, MessageSender, SendRequest, SendResult } from '@wakeflow/nodes/spec';
import { addressPolicyFromEnv, type AddressPolicy } from '../net/address-policy';
import type { ProviderRow } from '../providers/store';
import { createProviderResolver, type ProviderResolver, type ResolvedProvider } from '../providers/resolver';
import {
  ProviderError,
  type DeliveryReceipt,
  type MessageProvider,
  type OutgoingMessage,
} from '../providers/types';
import { loadChannelSettings, type ChannelSettings } from '../rules/channel-settings';
import { type MessageCategory } from '../rules/consent';
import { countedDispatches, decideFrequencyCap, lockCustomerForCap } from '../rules/frequency-cap';
import { createSharedRateLimiter, type RateLimiter } from '../rules/rate-limiter';
import { judgeSendRules } from '../rules/send-rules';
import { loadSecretKeys, type SecretKeys } from '../secrets/keys';
import { renderTemplate, TemplateRenderError } from '../templates/render';
import { messageVariables } from '../templates/variables';
import { createDbEventRecorder, type EventRecorder } from '../tracking/events';
import { instrumentHtml, unsubscribeUrl, type LinkContext } from '../tracking/links';
import type { AcceptanceJournal } from './acceptance-journal';
import { PROVIDER_UNAVAILABLE, providerUnavailable, SEND_IN_PROGRESS, sendInProgress } from './failures';
import { throughOutage } from './through-outage';

type MessageRow = typeof messages.$inferSelect;

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

interface StoredPayload {
  to: string;
  subject: string | null;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  unsubscribeUrl: string | null;
}

function readPayload(value: Record<string, unknown> | null): StoredPayload | null {
  if (!value || typeof value.to !== 'string' || typeof value.text !== 'string') return null;
  const headers: Record<string, string> = {};
  if (typeof value.headers === 'object' && value.headers !== null) {
    for (const [k, v] of Object.entries(value.headers)) if (typeof v === 'string') headers[k] = v;
  }
  return {
    to: value.to,
    subject: typeof value.subject === 'string' ? value.subject : null,
    text: value.text,
    html: typeof value.html === 'string' ? value.html : null,
    headers,
    unsubscribeUrl: typeof value.unsubscribeUrl === 'string' ? value.unsubscribeUrl : null,
  };
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

  /** Inserts the row or finds the one an earlier attempt inserted. */
  async function recordFirst(req: SendRequest, category: MessageCategory): Promise<MessageRow> {
    const [inserted] = await db
      .insert(messages)
      .values({
        workspaceId: req.workspaceId,
        idempotencyKey: req.idempotencyKey,
        runId: req.runId,
        journeyId: req.journeyId,
        nodeId: req.nodeId,
        customerId: req.customerId,
        channel: req.channel,
        templateId: req.templateId,
        category,
        ...(req.priority !== undefined ? { priority: req.priority } : {}),
        ...(req.requestedAt ? { requestedAt: new Date(req.requestedAt) } : {}),
      })
      .onConflictDoNothing({ target: [messages.workspaceId, messages.idempotencyKey] })
      .returning();
    if (inserted) return inserted;
    const [existing] = await db
      .select()
      .from(messages)
      .where(and(eq(messages.workspaceId, req.workspaceId), eq(messages.idempotencyKey, req.idempotencyKey)));
    if (!existing) throw new Error(`Message ${req.idempotencyKey} vanished between insert and select`);
    return existing;
  }

  /** Moves a pending row to a final state; a row another attempt finished first keeps that attempt's answer. */
  async function finish(
    row: MessageRow,
    status: 'skipped' | 'failed',
    reason: string,
    response?: Record<string, unknown>,
  ): Promise<SendResult> {
    const [updated] = await db
      .update(messages)
      .set({ status, reason, deferredUntil: null, ...(response ? { providerResponse: response } : {}) })
      .where(and(eq(messages.id, row.id), eq(messages.status, 'pending')))
      .returning();
    if (updated) return resultOf(updated);
    const [current] = await db.select().from(messages).where(eq(messages.id, row.id));
    return resultOf(current ?? row);
  }

  async function defer(row: MessageRow, until: Date, reason: string): Promise<SendResult> {
    await db
      .update(messages)
      .set({ deferredUntil: until, reason: `deferred: ${reason}` })
      .where(and(eq(messages.id, row.id), eq(messages.status, 'pending')));
    return { messageId: row.id, status: 'deferred', reason, retryAt: until.toISOString() };
  }

  /** The journey's priority from the request, else from the plan the run was started on. */
  async function priorityOf(req: SendRequest): Promise<number> {
    if (req.priority !== undefined) return req.priority;
    const [row] = await db
      .select({ priority: sql<string | null>`${journeyVersions.plan}->'settings'->>'priority'` })
      .from(runs)
      .innerJoin(
        journeyVersions,
        and(eq(journeyVersions.journeyId, runs.journeyId), eq(journeyVersions.version, runs.version)),
      )
      .where(eq(runs.id, req.runId));
    const parsed = Number(row?.priority);
    return Number.isInteger(parsed) && parsed >= 1 && parsed <= 10 ? parsed : DEFAULT_PRIORITY;
  }

  async function recordDelivered(row: MessageRow, provider: string): Promise<void> {
    const [customer] = await db
      .select({ externalId: customers.externalId })
      .from(customers)
      .where(eq(customers.id, row.customerId));
    if (!customer) return;
    await recorder.record({
      workspaceId: row.workspaceId,
      eventId: `msg:${row.id}:delivered`,
      customerId: row.customerId,
      customerExternalId: customer.externalId,
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

  /**
   * Steps 2–3: rules, rendering and the dispatch mark. Returns the row as dispatched, or a final result when the
   * rules decided not to send.
   */
  async function decide(
    req: SendRequest,
    row: MessageRow,
    template: typeof templates.$inferSelect,
  ): Promise<{ row: MessageRow; resolved: ResolvedProvider; payload: StoredPayload } | SendResult> {
    const at = ruleClock(req, now);
    const [customer] = await db
      .select()
      .from(customers)
      .where(and(eq(customers.workspaceId, req.workspaceId), eq(customers.id, req.customerId)));
    if (!customer) return finish(row, 'failed', 'customer_not_found');
    const settings: ChannelSettings = await loadChannelSettings(db, req.workspaceId);
    const category = template.category;

    const verdict = judgeSendRules({
      customer,
      channel: req.channel,
      category,
      settings,
      at,
      ...(req.sendWindow ? { sendWindow: req.sendWindow } : {}),
    });
    if (verdict.action === 'skip') return finish(row, 'skipped', verdict.reason);
    if (verdict.action === 'fail') return finish(row, 'failed', verdict.reason);
    if (verdict.action === 'defer') return defer(row, verdict.until, verdict.rule);
    const to = verdict.to;

    const links: LinkContext = {
      keys,
      publicBaseUrl: deps.publicBaseUrl,
      workspaceId: req.workspaceId,
      messageId: row.id,
    };
    const unsubscribe = unsubscribeUrl(links, customer.id, req.channel);
    let rendered;
    try {
      rendered = await renderTemplate(
        template,
        messageVariables({
          customer,
          at,
          context: req.context,
          unsubscribeUrl: unsubscribe,
          messageId: row.id,
          channel: req.channel,
        }),
      );
    } catch (error) {
      if (error instanceof TemplateRenderError)
        return finish(row, 'failed', `template_error: ${error.message}`);
      throw error;
    }
    const html = rendered.html
      ? instrumentHtml(rendered.html, links, { ...settings.tracking, unsubscribeUrl: unsubscribe })
      : null;
    const headers: Record<string, string> =
      req.channel === 'email' && category === 'marketing'
        ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : {};
    const payload: StoredPayload = {
      to,
      subject: rendered.subject,
      text: rendered.text,
      html,
      headers,
      unsubscribeUrl: unsubscribe,
    };

    const resolved = await resolver.forChannel(req.workspaceId, req.channel);
    if (!resolved) return finish(row, 'failed', 'no_provider');

    const priority =
      category === 'marketing' && settings.frequencyCap.enabled
        ? await priorityOf(req)
        : (req.priority ?? DEFAULT_PRIORITY);
    const outcome = await db.transaction(async (tx) => {
      if (category === 'marketing') {
        await lockCustomerForCap(tx, customer.id);
        const counted = await countedDispatches(tx, customer.id, at, settings.frequencyCap, row.id);
        const cap = decideFrequencyCap(counted, priority, at, settings.frequencyCap);
        if (cap.action !== 'send') return cap;
      }
      const [dispatched] = await tx
        .update(messages)
        .set({
          dispatchedAt: at,
          priority,
          category,
          provider: resolved.provider.id,
          recipient: to,
          subject: rendered.subject,
          body: rendered.text,
          payload: { ...payload },
          costMicros: resolved.unitCostMicros,
          deferredUntil: null,
          reason: null,
        })
        .where(
          and(eq(messages.id, row.id), eq(messages.status, 'pending'), sql`${messages.dispatchedAt} is null`),
        )
        .returning();
      return { action: 'send' as const, dispatched };
    });
    if (outcome.action === 'skip') return finish(row, 'skipped', 'frequency_cap');
    if (outcome.action === 'wait') return defer(row, outcome.until, 'frequency_cap');
    if (!outcome.dispatched) {
      // Another attempt dispatched or finished it meanwhile: continue from what it recorded.
      const [current] = await db.select().from(messages).where(eq(messages.id, row.id));
      if (!current || current.status !== 'pending') return resultOf(current ?? row);
      return resume(current);
    }
    return { row: outcome.dispatched, resolved, payload };
  }

  /** A row dispatched by an earlier attempt: same provider, same content. */
  async function resume(
    row: MessageRow,
  ): Promise<{ row: MessageRow; resolved: ResolvedProvider; payload: StoredPayload } | SendResult> {
    const payload = readPayload(row.payload);
    if (!payload) return finish(row, 'failed', 'dispatched_without_payload');
    const resolved =
      (row.provider ? await resolver.byId(row.workspaceId, row.provider, row.channel) : null) ??
      (await resolver.forChannel(row.workspaceId, row.channel));
    if (!resolved) return finish(row, 'failed', 'no_provider');
    return { row, resolved, payload };
  }

  /** Step 4: one provider call under the row's lease, then its result. */
  async function deliver(
    req: SendRequest,
    row: MessageRow,
    resolved: ResolvedProvider,
    payload: StoredPayload,
  ): Promise<SendResult> {
    const accepted = deps.acceptances?.recall(row.id);
    if (accepted) return recordSent(row, resolved.provider.id, accepted, now().getTime() + leaseMs);
    const settings = await loadChannelSettings(db, row.workspaceId);
    const perSecond = row.channel === 'webhook' ? settings.rateLimits.push : settings.rateLimits[row.channel];
    const permit = await rateLimiter.acquire(
      `${row.workspaceId}/${resolved.provider.id}`,
      perSecond,
      maxRateWait,
    );
    if (!permit.ok)
      return defer(row, new Date(ruleClock(req, now).getTime() + permit.retryAfterMs), 'rate_limit');

    const message: OutgoingMessage = {
      messageId: row.id,
      idempotencyKey: row.idempotencyKey,
      channel: row.channel,
      ...payload,
    };
    // Take the lease: no database connection is held while the provider answers, yet only one attempt calls it.
    const wall = now();
    const [leased] = await db
      .update(messages)
      // Each lease is one call to the provider: `attempts` counts calls, not activity attempts.
      .set({ leaseUntil: new Date(wall.getTime() + leaseMs), attempts: sql`${messages.attempts} + 1` })
      .where(
        and(
          eq(messages.id, row.id),
          eq(messages.status, 'pending'),
          or(isNull(messages.leaseUntil), lt(messages.leaseUntil, wall)),
        ),
      )
      .returning();
    if (!leased) {
      const [current] = await db.select().from(messages).where(eq(messages.id, row.id));
      if (current && current.status !== 'pending') return resultOf(current);
      throw sendInProgress(
        row.id,
        Math.max(1_000, (current?.leaseUntil?.getTime() ?? wall.getTime()) - wall.getTime()),
      );
    }

    let receipt;
    try {
      receipt = await resolved.provider.send(message);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const response = { ...error.response, error: error.message };
      const [failed] = await db
        .update(messages)
        .set({
          leaseUntil: null,
          providerResponse: response,
          ...(error.kind === 'permanent'
            ? { status: 'failed' as const, reason: `provider: ${error.message}` }
            : { reason: `retrying: ${error.message}` }),
        })
        .where(and(eq(messages.id, row.id), eq(messages.status, 'pending')))
        .returning();
      if (error.kind === 'transient')
        throw providerUnavailable(error.message, { messageId: row.id, ...error.response });
      return failed
        ? resultOf(failed)
        : { messageId: row.id, status: 'failed', reason: `provider: ${error.message}` };
    }
    deps.acceptances?.remember(row.id, receipt);
    await deps.hooks?.afterProviderAccepted?.(row.id);
    // Until the lease runs out no other attempt calls the provider, so the recording may wait out an outage that long.
    return recordSent(row, resolved.provider.id, receipt, leased.leaseUntil?.getTime() ?? wall.getTime());
  }

  /** The provider accepted the message (now or in an earlier attempt): the row says so, and the delivery is an event. */
  async function recordSent(
    row: MessageRow,
    providerId: string,
    receipt: DeliveryReceipt,
    deadlineMs: number,
  ): Promise<SendResult> {
    const [sent] = await throughOutage(
      () =>
        db
          .update(messages)
          .set({
            status: 'sent',
            reason: null,
            leaseUntil: null,
            sentAt: now(),
            providerMessageId: receipt.providerMessageId,
            providerResponse: receipt.response,
          })
          .where(and(eq(messages.id, row.id), eq(messages.status, 'pending')))
          .returning(),
      { deadlineMs: deadlineMs - 1_000, now: () => now().getTime() },
    );
    const final = sent ?? (await db.select().from(messages).where(eq(messages.id, row.id)))[0] ?? row;
    if (final.status === 'sent') await recordDelivered(final, providerId);
    return resultOf(final);
  }

  async function send(req: SendRequest): Promise<SendResult> {
    const [template] = await db
      .select()
      .from(templates)
      .where(and(eq(templates.workspaceId, req.workspaceId), eq(templates.id, req.templateId)));
    let row = await recordFirst(req, template?.category ?? 'marketing');

    if (row.status === 'sent') {
      // The delivered event may not have been written if the worker died right after the update.
      await recordDelivered(row, row.provider ?? 'unknown');
      return resultOf(row);
    }
    if (row.status !== 'pending') return resultOf(row);
    if (req.holdout) return finish(row, 'skipped', 'holdout');

    let ready;
    if (row.dispatchedAt) {
      ready = await resume(row);
    } else {
      if (!template) return finish(row, 'failed', 'template_not_found');
      if (template.channel !== req.channel)
        return finish(row, 'failed', `template_channel_mismatch: ${template.channel}`);
      ready = await decide(req, row, template);
    }
    if (!('resolved' in ready)) return ready;
    row = ready.row;
    await deps.hooks?.afterDispatchRecorded?.(row.id);
    return deliver(req, row, ready.resolved, ready.payload);
  }

  return {
    send,
    // First cut, so callers can build on the interface: one send per request; the set-based path replaces it.
    async sendBatch(requests: readonly SendRequest[]): Promise<BatchSendResult[]> {
      const answers: BatchSendResult[] = [];
      for (const req of requests) {
        try {
          answers.push(await send(req));
        } catch (error) {
          if (!(error instanceof ApplicationFailure)) throw error;
          if (error.type !== PROVIDER_UNAVAILABLE && error.type !== SEND_IN_PROGRESS) throw error;
          answers.push({
            messageId: '',
            status: 'retry',
            cause: error.type === PROVIDER_UNAVAILABLE ? 'provider_unavailable' : 'send_in_progress',
            reason: error.message,
            ...(error.nextRetryDelay !== undefined ? { retryAfterMs: Number(error.nextRetryDelay) } : {}),
          });
        }
      }
      return answers;
    },
    close: () => resolver.close(),
  };
}
