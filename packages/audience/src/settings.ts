/**
 * How a workspace defines its derived facts: which events count as activity, login and purchase, where a
 * purchase's amount is, the rolling windows, the dormancy stage boundaries and the value-tier cut-offs.
 * Stored under `workspaces.settings.audience` (the rest of the settings object belongs to other areas).
 */
import { eq } from 'drizzle-orm';
import {
  audienceSettingsSchema,
  type AudienceSettings,
  type AudienceSettingsInput,
} from '@wakeflow/contracts';
import { workspaces, type Database } from '@wakeflow/db';

// The schema is the HTTP contract's (`PUT /api/audience/settings`); this module stores and applies it.
export { audienceSettingsSchema, type AudienceSettings, type AudienceSettingsInput };

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
