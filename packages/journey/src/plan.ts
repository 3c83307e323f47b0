/**
 * The compiled plan: what the `journeyRun` workflow interprets. It is immutable and content-hashed, travels as
 * workflow input (so a run finishes on the version it entered), and uses a small closed set of instructions so
 * the interpreter never needs the node catalog.
 */
import { z } from 'zod';
import { propertyFilterSchema } from './property-filter';
import { journeySettingsSchema } from './settings';

export const PLAN_SCHEMA_VERSION = 1;

export const retryPolicySchema = z.object({
  maximumAttempts: z.number().int().min(0),
  initialIntervalMs: z.number().int().positive(),
  backoffCoefficient: z.number().min(1),
  maximumIntervalMs: z.number().int().positive(),
});
export type PlanRetryPolicy = z.infer<typeof retryPolicySchema>;

export const waitEventSchema = z.object({
  event: z.string().min(1),
  /** The outcome taken when this event arrives. */
  outcome: z.string().min(1),
  filters: z.array(propertyFilterSchema).optional(),
  /** Only events whose property of this name equals the entry event's (e.g. `order_id`). */
  correlationKey: z.string().min(1).optional(),
});
export type WaitEvent = z.infer<typeof waitEventSchema>;

export const planOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('entry') }),
  z.object({ op: z.literal('sleep'), ms: z.number().int().positive() }),
  z.object({
    op: z.literal('sleep_until_local'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1),
  }),
  z.object({
    op: z.literal('wait'),
    events: z.array(waitEventSchema).min(1),
    timeoutMs: z.number().int().positive(),
    timeoutOutcome: z.string().min(1),
  }),
  z.object({
    op: z.literal('split'),
    arms: z
      .array(z.object({ name: z.string().min(1), percent: z.number().min(0).max(100), holdout: z.boolean() }))
      .min(1),
  }),
  z.object({
    op: z.literal('activity'),
    nodeType: z.string().min(1),
    nodeVersion: z.number().int().positive(),
    config: z.record(z.string(), z.unknown()),
    startToCloseMs: z.number().int().positive(),
    retry: retryPolicySchema,
    /** Whether this step messages the customer (skipped for holdout members). */
    sendsMessage: z.boolean(),
  }),
  z.object({ op: z.literal('exit'), outcome: z.string().min(1) }),
]);
export type PlanOp = z.infer<typeof planOpSchema>;

export const planStepSchema = z.intersection(
  z.object({
    id: z.string().min(1),
    type: z.string().min(1),
    name: z.string().optional(),
    /** Outcome → next step id. Empty for exits. */
    next: z.record(z.string(), z.string()),
  }),
  planOpSchema,
);
export type PlanStep = z.infer<typeof planStepSchema>;

export const planSchema = z.object({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  entryStepId: z.string().min(1),
  trigger: z.object({ nodeId: z.string(), type: z.string(), config: z.record(z.string(), z.unknown()) }),
  steps: z.record(z.string(), planStepSchema),
  settings: journeySettingsSchema,
  /** Versions of the node kinds this plan was compiled against, to detect breaking catalog changes. */
  nodeVersions: z.record(z.string(), z.number().int().positive()),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Plan = z.infer<typeof planSchema>;

/** Event names a running customer of this plan may be waiting for: wait steps and the goal. */
export function planListensTo(plan: Pick<Plan, 'steps' | 'settings'>): string[] {
  const names = new Set<string>();
  for (const step of Object.values(plan.steps)) {
    if (step.op === 'wait') for (const e of step.events) names.add(e.event);
  }
  if (plan.settings.goal) names.add(plan.settings.goal.event);
  return [...names].sort();
}

/** The event that starts runs of this plan, when its trigger is an event trigger. */
export function planTriggerEvent(plan: Pick<Plan, 'trigger'>): string | null {
  const event = plan.trigger.config.event;
  return plan.trigger.type === 'event_trigger' && typeof event === 'string' ? event : null;
}
