/**
 * A workspace's messaging rules, stored under `workspaces.settings.channels` and validated here: consent mode,
 * frequency cap with priority, quiet hours, per-channel rate limits, tracking and the email sender. Every field has
 * a default, so a workspace without settings gets sensible rules (5 marketing messages per 7 days, one of them kept
 * for high-priority journeys; quiet 21–08).
 */
import { eq, sql } from 'drizzle-orm';
import { channelSettingsSchema, type ChannelSettings, type ChannelSettingsInput } from '@wakeflow/contracts';
import { workspaces, type Database } from '@wakeflow/db';

// The schema is the HTTP contract's (`PUT /api/channel-settings`); the rules below apply it.
export { channelSettingsSchema, type ChannelSettings, type ChannelSettingsInput };

export const defaultChannelSettings: ChannelSettings = channelSettingsSchema.parse({});

/** The workspace's rules; invalid stored settings fall back to the defaults rather than stopping every send. */
export async function loadChannelSettings(db: Database, workspaceId: string): Promise<ChannelSettings> {
  const [row] = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const parsed = channelSettingsSchema.safeParse(row?.settings?.channels ?? {});
  return parsed.success ? parsed.data : defaultChannelSettings;
}

/** Replaces the `channels` key of the workspace settings, leaving every other key alone. */
export async function saveChannelSettings(
  db: Database,
  workspaceId: string,
  input: ChannelSettingsInput,
): Promise<ChannelSettings> {
  const settings = channelSettingsSchema.parse(input);
  await db
    .update(workspaces)
    .set({
      settings: sql`jsonb_set(${workspaces.settings}, '{channels}', ${JSON.stringify(settings)}::jsonb, true)`,
    })
    .where(eq(workspaces.id, workspaceId));
  return settings;
}
