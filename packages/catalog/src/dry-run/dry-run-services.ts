/**
 * Dry-run node services: the node kinds' ports for the journey machine when nothing may be sent or written. A send
 * is judged by the send path's own rules (`judgeSendRules`, `decideFrequencyCap` from @wakeflow/channels) and
 * rendered by the real template renderer; a profile update changes an in-memory copy; nothing reaches a provider, the
 * `messages` or `runs` tables, or any other row. Previews (one customer's path, ./preview.ts) and backtests (many
 * customers over history) both build on it.
 *
 * Two ways in:
 *
 * 1. Many customers, no I/O per step (backtests): `judgeDrySend(world, customer, send, counted)` judges one send
 *    synchronously from customer facts and the dispatch times of the marketing messages already counted against the
 *    cap (the caller keeps them per customer in memory and appends `at` when the answer is `sent` and the category
 *    `marketing`). It does not render: a template that fails to render is not seen.
 *
 *        const world = { workspaceId, settings, templates, catalog };      // loaded once
 *        const counted = new Map<string, Date[]>();                       // per customer
 *        const d = judgeDrySend(world, customer, { channel, templateId, holdout, at, priority }, counted.get(id) ?? []);
 *        if (d.status === 'sent' && d.category === 'marketing') counted.set(id, [...(counted.get(id) ?? []), at]);
 *
 * 2. A whole run (previews): `createDryRunSession(world, run, customer, options)` gives the hooks for
 *    `runOnVirtualClockAsync` (@wakeflow/journey/machine). Each activity step runs its kind's real activity on dry
 *    ports — `send`, `update_customer` and `branch`, whose activities touch nothing but their ports. Other kinds
 *    (webhooks, coupons, custom nodes) may reach the outside world, so they are not run: the step takes its first path
 *    and says so in `notes`. The session collects every send attempt (`messages`, with the rule checks and the
 *    rendered text) and the notes by step.
 *
 * A branch's condition is judged by the evaluator passed in (the real SQL one for a stored customer: it reads the
 * customer as stored, not the scripted events), by a scripted answer for the step, or, with neither, answered "no"
 * with a note.
 */
import {
  decideFrequencyCap,
  judgeSendRules,
  renderTemplate,
  messageVariables,
  TemplateRenderError,
  unsubscribeUrl,
  type ChannelSettings,
  type MessageCategory,
  type RenderedMessage,
  type RuleCustomer,
  type SecretKeys,
  type SendTimeJudge,
} from '@wakeflow/channels';
import type { customers, templates } from '@wakeflow/db';
import { nextLocalTime, type PlanStep } from '@wakeflow/journey';
import type { AsyncVirtualRunHooks, MachineRun, VirtualNodeCall } from '@wakeflow/journey/machine';
import type {
  Channel,
  ConditionEvaluator,
  CustomerChange,
  NodeCatalog,
  NodePorts,
  SendRequest,
  SendResult,
  SendWindow,
} from '@wakeflow/nodes';

export type DryRunCustomer = typeof customers.$inferSelect;
export type DryRunTemplate = Pick<
  typeof templates.$inferSelect,
  'id' | 'name' | 'channel' | 'subject' | 'body' | 'html' | 'category'
>;

/** What a dry run knows of the workspace; loaded once, shared by every customer. */
export interface DryRunWorld {
  workspaceId: string;
  settings: ChannelSettings;
  templates: ReadonlyMap<string, DryRunTemplate>;
  catalog: NodeCatalog;
  /** Signs the unsubscribe link of rendered messages; without it the link is a placeholder. */
  links?: { keys: SecretKeys; publicBaseUrl: string };
  /** How quiet hours and windows are judged: a memo (`memoizeSendTime`) when many sends share instants. */
  sendTime?: SendTimeJudge;
}

/** The rules a send is checked against, in the send path's order. */
export type SendCheckRule =
  | 'holdout'
  | 'template'
  | 'consent'
  | 'recipient'
  | 'quiet_hours'
  | 'send_window'
  | 'render'
  | 'frequency_cap';

export interface SendCheck {
  rule: SendCheckRule;
  /** `hold`: not now, asked again later (quiet hours, window, a cap that frees up). */
  verdict: 'pass' | 'skip' | 'hold' | 'fail';
  /** Why, in the messages table's words (`no_consent`, `frequency_cap`…), or the time a hold ends. */
  detail?: string;
}

export interface DrySendDecision {
  /** What the sender would have answered. */
  status: SendResult['status'];
  /** As the sender records it: `no_consent`, `holdout`, `frequency_cap`, `template_error: …`. */
  reason?: string;
  /** With `deferred`: when the journey asks again. */
  retryAt?: string;
  /** Every rule looked at, in order, up to the one that decided. */
  checks: SendCheck[];
  category?: MessageCategory;
  /** The address it would go to. */
  to?: string;
}

export interface DrySend {
  channel: Channel;
  templateId: string;
  holdout: boolean;
  /** The journey's clock when the step asked. */
  at: Date;
  /** The journey's priority, 1–10. */
  priority: number;
  sendWindow?: SendWindow;
}

/** A rule passed: one shared, frozen check per rule (a backtest judges hundreds of thousands of sends). */
const passed = (rule: SendCheckRule): SendCheck => Object.freeze({ rule, verdict: 'pass' as const });
const PASSED: Record<SendCheckRule, SendCheck> = {
  holdout: passed('holdout'),
  template: passed('template'),
  consent: passed('consent'),
  recipient: passed('recipient'),
  quiet_hours: passed('quiet_hours'),
  send_window: passed('send_window'),
  render: passed('render'),
  frequency_cap: passed('frequency_cap'),
};
const PASS = (rule: SendCheckRule): SendCheck => PASSED[rule];

/** Rules up to rendering: holdout, the template, consent, recipient, quiet hours and the window. */
function judgeBeforeRender(
  world: DryRunWorld,
  customer: RuleCustomer,
  send: DrySend,
): { decided: DrySendDecision } | { checks: SendCheck[]; template: DryRunTemplate; to: string } {
  if (send.holdout) {
    return {
      decided: {
        status: 'skipped',
        reason: 'holdout',
        checks: [{ rule: 'holdout', verdict: 'skip', detail: 'holdout' }],
      },
    };
  }
  const checks: SendCheck[] = [PASS('holdout')];
  const template = world.templates.get(send.templateId);
  if (!template || template.channel !== send.channel) {
    const reason = template ? `template_channel_mismatch: ${template.channel}` : 'template_not_found';
    checks.push({ rule: 'template', verdict: 'fail', detail: reason });
    return { decided: { status: 'failed', reason, checks } };
  }
  checks.push(PASS('template'));
  const verdict = judgeSendRules({
    customer,
    channel: send.channel,
    category: template.category,
    settings: world.settings,
    at: send.at,
    ...(send.sendWindow ? { sendWindow: send.sendWindow } : {}),
    ...(world.sendTime ? { sendTime: world.sendTime } : {}),
  });
  const category = template.category;
  switch (verdict.action) {
    case 'skip':
      passedBefore(checks, verdict.rule);
      checks.push({ rule: verdict.rule, verdict: 'skip', detail: verdict.reason });
      return { decided: { status: 'skipped', reason: verdict.reason, checks, category } };
    case 'fail':
      passedBefore(checks, 'quiet_hours');
      checks.push({ rule: verdict.rule, verdict: 'fail', detail: verdict.reason });
      return { decided: { status: 'failed', reason: verdict.reason, checks, category } };
    case 'defer': {
      // Quiet hours and the window are walked together: a hold names the one that moved the time first.
      passedBefore(checks, 'quiet_hours');
      const until = verdict.until.toISOString();
      checks.push({ rule: verdict.rule, verdict: 'hold', detail: until });
      return { decided: { status: 'deferred', reason: verdict.rule, retryAt: until, checks, category } };
    }
    case 'go':
      passedBefore(checks, 'frequency_cap');
      return { checks, template, to: verdict.to };
  }
}

const RULE_ORDER: readonly SendCheckRule[] = [
  'consent',
  'recipient',
  'quiet_hours',
  'send_window',
  'frequency_cap',
];

/** The rules before `rule`, in the send path's order, as passed. */
function passedBefore(checks: SendCheck[], rule: SendCheckRule): void {
  for (const r of RULE_ORDER) {
    if (r === rule) return;
    checks.push(PASS(r));
  }
}

/** The frequency cap, for marketing messages only, with the dispatch times already counted. */
function judgeCap(
  world: DryRunWorld,
  send: DrySend,
  category: MessageCategory,
  counted: readonly Date[],
): { check: SendCheck; status: 'sent' | 'skipped' | 'deferred'; retryAt?: string } {
  if (category !== 'marketing')
    return { check: { rule: 'frequency_cap', verdict: 'pass', detail: 'transactional' }, status: 'sent' };
  const cap = decideFrequencyCap(counted, send.priority, send.at, world.settings.frequencyCap);
  if (cap.action === 'send') return { check: PASS('frequency_cap'), status: 'sent' };
  if (cap.action === 'skip')
    return { check: { rule: 'frequency_cap', verdict: 'skip', detail: 'frequency_cap' }, status: 'skipped' };
  const until = cap.until.toISOString();
  return {
    check: { rule: 'frequency_cap', verdict: 'hold', detail: until },
    status: 'deferred',
    retryAt: until,
  };
}

/**
 * One send judged by the rules without rendering or I/O. `counted`: dispatch times of this customer's marketing
 * messages that count against the cap (any order; older ones are ignored).
 */
export function judgeDrySend(
  world: DryRunWorld,
  customer: RuleCustomer,
  send: DrySend,
  counted: readonly Date[],
): DrySendDecision {
  const before = judgeBeforeRender(world, customer, send);
  if ('decided' in before) return before.decided;
  const category = before.template.category;
  const cap = judgeCap(world, send, category, counted);
  return {
    status: cap.status,
    ...(cap.status === 'skipped' ? { reason: 'frequency_cap' } : {}),
    ...(cap.status === 'deferred' ? { reason: 'frequency_cap', retryAt: cap.retryAt } : {}),
    checks: [...before.checks, cap.check],
    category,
    to: before.to,
  };
}

/** A send attempt of a dry run: what was asked, what the rules decided, what the customer would have read. */
export interface DryRunMessage {
  stepId: string;
  /** The journey's clock when the step asked. */
  at: string;
  channel: Channel;
  templateId: string;
  templateName?: string;
  decision: DrySendDecision;
  /** Rendered with the customer's data when the message would have been sent. */
  rendered?: RenderedMessage;
}

export interface DryRunSessionOptions {
  /** Judges branch conditions; without it (a described customer) a branch answers "no" and says so. */
  conditions?: ConditionEvaluator;
  /** Outcomes fixed by the script, by step id (a branch answered "yes"): the step's node is not run. */
  answers?: Readonly<Record<string, string>>;
  /** Dispatch times of marketing messages already counted against the cap when the run starts. */
  counted?: readonly Date[];
  /** The journey version the run is of (0 for a draft). */
  version?: number;
}

export interface DryRunSession {
  hooks: AsyncVirtualRunHooks;
  /** Every send attempt, in order (a held send appears once per attempt). */
  messages: DryRunMessage[];
  /** What a dry run could not do as the real run would, by step id. */
  notes: Map<string, string[]>;
  /** The customer as the run leaves it (profile updates applied in memory). */
  customer: DryRunCustomer;
}

/** Kinds whose activities touch nothing but their ports, so running them on dry ports has no effect outside. */
const RUN_DRY: ReadonlySet<string> = new Set(['send', 'update_customer', 'branch']);
const PREVIEW_MESSAGE_ID = '00000000-0000-0000-0000-000000000000';

function applyChange(customer: DryRunCustomer, change: CustomerChange): DryRunCustomer {
  const tags = new Set(customer.tags);
  for (const t of change.addTags ?? []) tags.add(t);
  for (const t of change.removeTags ?? []) tags.delete(t);
  return { ...customer, traits: { ...customer.traits, ...change.setTraits }, tags: [...tags] };
}

export function createDryRunSession(
  world: DryRunWorld,
  run: MachineRun & { plan: { steps: Record<string, PlanStep>; settings: { priority: number } } },
  customerAtStart: DryRunCustomer,
  options: DryRunSessionOptions = {},
): DryRunSession {
  const messages: DryRunMessage[] = [];
  const notes = new Map<string, string[]>();
  const counted: Date[] = [...(options.counted ?? [])];
  let customer = structuredClone(customerAtStart);
  let currentStep = '';
  const note = (stepId: string, text: string) => notes.set(stepId, [...(notes.get(stepId) ?? []), text]);

  async function render(template: DryRunTemplate, request: SendRequest, at: Date): Promise<RenderedMessage> {
    const unsubscribe = world.links
      ? unsubscribeUrl(
          { ...world.links, workspaceId: world.workspaceId, messageId: PREVIEW_MESSAGE_ID },
          customer.id,
          request.channel,
        )
      : 'https://unsubscribe.invalid/dry-run';
    return renderTemplate(
      template,
      messageVariables({
        customer,
        at,
        context: request.context,
        unsubscribeUrl: unsubscribe,
        messageId: PREVIEW_MESSAGE_ID,
        channel: request.channel,
      }),
    );
  }

  const ports: NodePorts = {
    messaging: {
      async send(request) {
        const at = new Date(request.requestedAt);
        const send: DrySend = {
          channel: request.channel,
          templateId: request.templateId,
          holdout: request.holdout,
          at,
          priority: request.priority ?? run.plan.settings.priority,
          ...(request.sendWindow ? { sendWindow: request.sendWindow } : {}),
        };
        const template = world.templates.get(request.templateId);
        const message: Omit<DryRunMessage, 'decision'> = {
          stepId: request.nodeId,
          at: request.requestedAt,
          channel: request.channel,
          templateId: request.templateId,
          ...(template ? { templateName: template.name } : {}),
        };
        const before = judgeBeforeRender(world, customer, send);
        let decision: DrySendDecision;
        let rendered: RenderedMessage | undefined;
        if ('decided' in before) {
          decision = before.decided;
        } else {
          const category = before.template.category;
          try {
            rendered = await render(before.template, request, at);
          } catch (error) {
            if (!(error instanceof TemplateRenderError)) throw error;
            const reason = `template_error: ${error.message}`;
            decision = {
              status: 'failed',
              reason,
              checks: [...before.checks, { rule: 'render', verdict: 'fail', detail: reason }],
              category,
              to: before.to,
            };
            messages.push({ ...message, decision });
            return { messageId: PREVIEW_MESSAGE_ID, status: 'failed', reason };
          }
          const cap = judgeCap(world, send, category, counted);
          decision = {
            status: cap.status,
            ...(cap.status !== 'sent' ? { reason: 'frequency_cap' } : {}),
            ...(cap.retryAt ? { retryAt: cap.retryAt } : {}),
            checks: [...before.checks, PASS('render'), cap.check],
            category,
            to: before.to,
          };
          if (cap.status === 'sent' && category === 'marketing') counted.push(at);
          if (cap.status !== 'sent') rendered = undefined;
        }
        messages.push({ ...message, decision, ...(rendered ? { rendered } : {}) });
        return {
          messageId: PREVIEW_MESSAGE_ID,
          status: decision.status,
          ...(decision.reason ? { reason: decision.reason } : {}),
          ...(decision.retryAt ? { retryAt: decision.retryAt } : {}),
        };
      },
      // A dry run follows one customer, whose steps never come in batches; should some caller batch, in order.
      async sendBatch(requests) {
        const answers: SendResult[] = [];
        for (const request of requests) answers.push(await this.send(request));
        return answers;
      },
    },
    customers: {
      get: () =>
        Promise.resolve({ traits: customer.traits, tags: customer.tags, totalSpend: customer.totalSpend }),
      update(_ref, change) {
        customer = applyChange(customer, change);
        note(currentStep, 'profile updated in the preview only');
        return Promise.resolve();
      },
    },
    conditions: {
      matches(input) {
        if (options.conditions) return options.conditions.matches(input);
        note(currentStep, 'answered “no”: a described customer has no stored data to judge the condition by');
        return Promise.resolve(false);
      },
    },
    logger: { info: () => undefined, warn: () => undefined },
  };

  async function runNode(call: VirtualNodeCall) {
    const step = run.plan.steps[call.stepId];
    if (step?.op !== 'activity') throw new Error(`Step ${call.stepId} is no activity`);
    currentStep = step.id;
    const scripted = options.answers?.[step.id];
    if (scripted !== undefined) {
      if (!(scripted in step.next)) throw new Error(`Step ${step.id} has no path “${scripted}”`);
      note(step.id, `answered “${scripted}” by the script`);
      return { outcome: scripted };
    }
    const kind = world.catalog.get(step.nodeType);
    const activity = kind?.definition.activity;
    if (!kind || !activity) throw new Error(`No node kind “${step.nodeType}” is installed`);
    if (!RUN_DRY.has(step.nodeType)) {
      const outcome = Object.keys(step.next)[0] ?? 'next';
      note(
        step.id,
        `not run in a preview (a “${kind.palette.label}” step may act outside); took its “${outcome}” path`,
      );
      return { outcome };
    }
    const config = kind.readStoredConfig(step.config, step.nodeVersion);
    if (!config.success)
      throw new Error(`Step ${step.id}: ${config.path ? `${config.path}: ` : ''}${config.message}`);
    return activity.run(
      {
        runId: PREVIEW_MESSAGE_ID,
        workflowId: `dry-run:${run.journeyId}:${run.customerId}`,
        workspaceId: world.workspaceId,
        journeyId: run.journeyId,
        version: options.version ?? 0,
        customerId: run.customerId,
        nodeId: step.id,
        nodeType: step.nodeType,
        nodeVersion: step.nodeVersion,
        config: config.config,
        holdout: call.holdout,
        priority: run.plan.settings.priority,
        context: call.context,
        at: call.at,
      },
      ports,
    );
  }

  return {
    hooks: {
      runNode,
      nextLocalTime: ({ after, time, weekdays }) =>
        nextLocalTime(new Date(after), customer.timezone, time, weekdays).toISOString(),
    },
    messages,
    notes,
    get customer() {
      return customer;
    },
  };
}

/** A customer that exists only in a dry run, from what is described (every fact not given is empty). */
export function describedCustomer(
  workspaceId: string,
  described: Partial<Omit<DryRunCustomer, 'workspaceId'>>,
): DryRunCustomer {
  return {
    id: PREVIEW_MESSAGE_ID,
    workspaceId,
    externalId: 'described',
    email: null,
    phone: null,
    pushToken: null,
    timezone: 'UTC',
    birthday: null,
    firstName: null,
    lastName: null,
    traits: {},
    tags: [],
    consent: {},
    lastActivityAt: null,
    lastLoginAt: null,
    lastPurchaseAt: null,
    purchaseCount: 0,
    totalSpend: 0,
    signedUpAt: null,
    rfmRecency: null,
    rfmFrequency: null,
    rfmMonetary: null,
    valueTier: null,
    rfmComputedAt: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...described,
  };
}
