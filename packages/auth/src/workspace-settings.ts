/**
 * The auth part of a workspace's settings (`workspaces.settings`, shared with other areas): whether publishing
 * needs a reviewer's approval. Writes merge into the JSON, so other areas' keys are kept.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { workspaces, type Database } from '@wakeflow/db';
import { workspaceSettingsPatchSchema } from '@wakeflow/contracts';

export const authSettingsSchema = z.object({
  requirePublishApproval: z.boolean().default(false),
});
export type AuthSettings = z.infer<typeof authSettingsSchema>;

// What an admin may change is the HTTP contract's (`PATCH /api/workspace`).
export const authSettingsPatchSchema = workspaceSettingsPatchSchema;

export async function readWorkspace(
  db: Database,
  workspaceId: string,
): Promise<{ id: string; name: string; settings: AuthSettings } | null> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!row) return null;
  const parsed = authSettingsSchema.safeParse(row.settings);
  return {
    id: row.id,
    name: row.name,
    settings: parsed.success ? parsed.data : authSettingsSchema.parse({}),
  };
}

export async function patchAuthSettings(
  db: Database,
  workspaceId: string,
  patch: z.infer<typeof authSettingsPatchSchema>,
): Promise<void> {
  await db
    .update(workspaces)
    .set({ settings: sql`${workspaces.settings} || ${JSON.stringify(patch)}::jsonb` })
    .where(eq(workspaces.id, workspaceId));
}
