/**
 * How a workspace defines its derived facts: which events count as activity, login and purchase, where a
 * purchase's amount is, the rolling windows, the dormancy stage boundaries and the value-tier cut-offs.
 * Stored under `workspaces.settings.audience` (the rest of the settings object belongs to other areas).
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { workspaces, type Database } from '@wakeflow/db';

const eventNames = z.array(z.string().min(1)).min(1, 'Name at least one event');
const days = z.number().int().positive().max(3660);

const increasing = (list: readonly number[]) => list.every((v, i) => i === 0 || v > (list[i - 1] ?? 0));

export const audienceSettingsSchema = z
  .object({
    /** Events that count as activity: every event except the listed ones (default), or only the listed ones. */
    activity: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('all_except'), events: z.array(z.string().min(1)) }),
        z.object({ mode: z.literal('only'), events: eventNames }),
      ])
      // Message receipts happen to the customer, not by them: they would hide dormancy.
      .default({ mode: 'all_except', events: ['message_delivered', 'message_opened', 'message_clicked'] }),
    loginEvents: eventNames.default(['login']),
    purchaseEvents: eventNames.default(['purchase', 'store_purchase']),
    /** Property holding a purchase's amount (dot path); non-numeric or missing counts as 0 spend. */
    amountProperty: z
      .string()
      .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/)
      .default('amount'),
    /**
     * Whether a purchase may carry a negative amount (a refund). Off by default: a negative spend is then refused
     * at ingest, and the facts never sum one, so a typo cannot make a customer's total spend negative.
     */
    allowRefunds: z.boolean().default(false),
    /** Rolling windows (days) shown on profiles and offered in the segment builder; conditions may use any. */
    windowsDays: z.array(days).min(1).default([30, 90, 180, 365]),
    /** Upper bounds (days since last activity) of: active, 1–3 months, 3–6 months, 6–12 months; beyond is 12+. */
    dormancyStagesDays: z
      .tuple([days, days, days, days])
      .default([30, 90, 180, 365])
      .refine(increasing, 'Stage boundaries must increase'),
    /** R+F+M (3..15) at or above which a customer is high / mid value; below mid is low. */
    valueTier: z
      .object({ highMin: z.number().int().min(3).max(15), midMin: z.number().int().min(3).max(15) })
      .default({ highMin: 12, midMin: 8 })
      .refine((t) => t.highMin > t.midMin, 'High must need a larger score than mid'),
  })
  .default({
    activity: { mode: 'all_except', events: ['message_delivered', 'message_opened', 'message_clicked'] },
    loginEvents: ['login'],
    purchaseEvents: ['purchase', 'store_purchase'],
    amountProperty: 'amount',
    allowRefunds: false,
    windowsDays: [30, 90, 180, 365],
    dormancyStagesDays: [30, 90, 180, 365],
    valueTier: { highMin: 12, midMin: 8 },
  });
export type AudienceSettings = z.output<typeof audienceSettingsSchema>;
export type AudienceSettingsInput = z.input<typeof audienceSettingsSchema>;

export const defaultAudienceSettings: AudienceSettings = audienceSettingsSchema.parse(undefined);

/** Whether an event name counts as activity under the settings. */
export function isActivityEvent(settings: AudienceSettings, name: string): boolean {
  const listed = settings.activity.events.includes(name);
  return settings.activity.mode === 'only' ? listed : !listed;
}

type Queryable = Pick<Database, 'select'>;

/** The workspace's audience settings; invalid stored settings fall back to defaults rather than stop ingest. */
export async function loadAudienceSettings(db: Queryable, workspaceId: string): Promise<AudienceSettings> {
  const rows = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const stored = rows[0]?.settings?.audience;
  const parsed = audienceSettingsSchema.safeParse(stored);
  return parsed.success ? parsed.data : defaultAudienceSettings;
}

/** Validates and stores the audience settings, leaving the other areas' settings untouched. */
export async function saveAudienceSettings(
  db: Database,
  workspaceId: string,
  input: AudienceSettingsInput,
): Promise<AudienceSettings> {
  const settings = audienceSettingsSchema.parse(input);
  const rows = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const current = rows[0]?.settings ?? {};
  await db
    .update(workspaces)
    .set({ settings: { ...current, audience: settings } })
    .where(eq(workspaces.id, workspaceId));
  return settings;
}
