/**
 * Workspace settings of the measurement area, stored under `workspaces.settings.analytics` (other areas own the rest
 * of that object). `ltvWindowDays` is also read by the SQL triggers (function `analytics_ltv_days`).
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { workspaces, type Database } from '@wakeflow/db';

export const analyticsSettingsSchema = z.object({
  /** N of "spend in the N days after reactivation minus the N days before dormancy". */
  ltvWindowDays: z.number().int().min(1).max(730).default(90),
});
export type AnalyticsSettings = z.output<typeof analyticsSettingsSchema>;

type Queryable = Pick<Database, 'select'>;

export async function loadAnalyticsSettings(db: Queryable, workspaceId: string): Promise<AnalyticsSettings> {
  const rows = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const parsed = analyticsSettingsSchema.safeParse(rows[0]?.settings?.analytics ?? {});
  return parsed.success ? parsed.data : analyticsSettingsSchema.parse({});
}
