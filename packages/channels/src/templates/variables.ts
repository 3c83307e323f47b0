/**
 * What a template can refer to, and how those values are built from a customer row and the run's context.
 * The list of names here is also what `validateTemplate()` checks references against.
 */
import type { customers } from '@wakeflow/db';

type CustomerRow = typeof customers.$inferSelect;

/** Top-level names a template may use. */
export const TEMPLATE_ROOTS = ['customer', 'entry', 'steps', 'unsubscribe_url', 'message', 'now'] as const;

/** Fields of `customer` (snake_case; camelCase aliases below); free-form data sits under `customer.traits`. */
const SNAKE_CUSTOMER_FIELDS = [
  'id',
  'external_id',
  'email',
  'phone',
  'first_name',
  'last_name',
  'name',
  'timezone',
  'birthday',
  'tags',
  'traits',
  'signed_up_at',
  'last_activity_at',
  'last_login_at',
  'last_purchase_at',
  'purchase_count',
  'total_spend',
  'days_inactive',
  'dormancy_stage',
  'value_tier',
] as const;

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every accepted field name: `customer.first_name` and, as written elsewhere in the product, `customer.firstName`. */
export const CUSTOMER_FIELDS: readonly string[] = [
  ...new Set(SNAKE_CUSTOMER_FIELDS.flatMap((f) => [f, camel(f)])),
];

export type DormancyStage = 'active' | 'early' | 'mid' | 'late' | 'deep';

/**
 * DOMAIN S-ID-3 stages by days since the last activity: under 30 active, 1–3 months early, 3–6 mid, 6–12 late,
 * 12+ deep. A `dormancy_stage` trait (maintained by the audience area) wins over this computation.
 */
export function dormancyStage(daysInactive: number | null): DormancyStage | null {
  if (daysInactive === null) return null;
  if (daysInactive < 30) return 'active';
  if (daysInactive < 90) return 'early';
  if (daysInactive < 180) return 'mid';
  if (daysInactive < 365) return 'late';
  return 'deep';
}

const DAY_MS = 86_400_000;

/** Days since the latest of activity, login and purchase; null for a customer who never did anything. */
export function daysInactive(
  customer: Pick<CustomerRow, 'lastActivityAt' | 'lastLoginAt' | 'lastPurchaseAt'>,
  now: Date,
): number | null {
  const times = [customer.lastActivityAt, customer.lastLoginAt, customer.lastPurchaseAt].filter(
    (d): d is Date => d instanceof Date,
  );
  if (times.length === 0) return null;
  const last = Math.max(...times.map((d) => d.getTime()));
  return Math.max(0, Math.floor((now.getTime() - last) / DAY_MS));
}

export interface CustomerVariables {
  id: string;
  external_id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  timezone: string;
  birthday: string | null;
  tags: string[];
  traits: Record<string, unknown>;
  signed_up_at: string | null;
  last_activity_at: string | null;
  last_login_at: string | null;
  last_purchase_at: string | null;
  purchase_count: number;
  total_spend: number;
  days_inactive: number | null;
  dormancy_stage: string | null;
  value_tier: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const traitString = (traits: Record<string, unknown>, key: string): string | null =>
  typeof traits[key] === 'string' ? traits[key] : null;

/** camelCase aliases of the multi-word fields, named once (a batch builds variables for a thousand customers). */
const CAMEL_ALIASES = new Map<string, string>(
  SNAKE_CUSTOMER_FIELDS.filter((f) => f.includes('_')).map((f) => [f, camel(f)]),
);

/** The snake_case variables plus camelCase aliases of the multi-word ones. */
export function customerVariables(
  customer: CustomerRow,
  now: Date,
): CustomerVariables & Record<string, unknown> {
  const vars = snakeCustomerVariables(customer, now);
  const aliases: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    const alias = CAMEL_ALIASES.get(k);
    if (alias) aliases[alias] = v;
  }
  return { ...vars, ...aliases };
}

function snakeCustomerVariables(customer: CustomerRow, now: Date): CustomerVariables {
  const inactive = daysInactive(customer, now);
  const traits = customer.traits ?? {};
  const name = [customer.firstName, customer.lastName]
    .filter((s): s is string => !!s && s.trim() !== '')
    .join(' ');
  return {
    id: customer.id,
    external_id: customer.externalId,
    email: customer.email,
    phone: customer.phone,
    first_name: customer.firstName,
    last_name: customer.lastName,
    name: name || null,
    timezone: customer.timezone,
    birthday: customer.birthday,
    tags: customer.tags,
    traits,
    signed_up_at: iso(customer.signedUpAt),
    last_activity_at: iso(customer.lastActivityAt),
    last_login_at: iso(customer.lastLoginAt),
    last_purchase_at: iso(customer.lastPurchaseAt),
    purchase_count: customer.purchaseCount,
    total_spend: customer.totalSpend,
    days_inactive: inactive,
    dormancy_stage: traitString(traits, 'dormancy_stage') ?? dormancyStage(inactive),
    value_tier: customer.valueTier ?? traitString(traits, 'value_tier') ?? traitString(traits, 'tier'),
  };
}

export interface TemplateVariables {
  customer: CustomerVariables;
  /** Properties of the event that started the run. */
  entry: Record<string, unknown>;
  /** Outputs of earlier steps by step id (coupon code, recommended products…). */
  steps: Record<string, unknown>;
  unsubscribe_url: string;
  message: { id: string; channel: string };
  now: string;
}

/** The run context the send node passes (`{ entry, steps }`), read defensively: it crossed a process boundary. */
export function runContextVariables(context: Record<string, unknown>): {
  entry: Record<string, unknown>;
  steps: Record<string, unknown>;
} {
  const asRecord = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return { entry: asRecord(context.entry), steps: asRecord(context.steps) };
}

/**
 * Everything a message template may read, for one message to one customer: the send path, the dry run (previews,
 * launch estimates) and test sends all render with exactly these variables.
 */
export function messageVariables(input: {
  customer: CustomerRow;
  at: Date;
  /** The run context (`{ entry, steps }`); a test send has none. */
  context: Record<string, unknown>;
  unsubscribeUrl: string;
  messageId: string;
  channel: string;
}): TemplateVariables {
  const { entry, steps } = runContextVariables(input.context);
  return {
    customer: customerVariables(input.customer, input.at),
    entry,
    steps,
    unsubscribe_url: input.unsubscribeUrl,
    message: { id: input.messageId, channel: input.channel },
    now: input.at.toISOString(),
  };
}
