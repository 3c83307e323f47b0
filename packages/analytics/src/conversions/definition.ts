/**
 * Checks a journey's measurement settings before it is published: the shared settings schema already refuses a
 * window of 0 and a holdout of 100% or more; this adds the check that needs the workspace — every conversion event
 * must be an event the product knows or one the workspace has sent at least once (a typo would silently never
 * convert anybody). Returns problems in the editor's shape (`settings.conversion.events.1`).
 */
import { eq } from 'drizzle-orm';
import { journeySettingsSchema, knownEventNames, problemsFromZod, type Problem } from '@wakeflow/journey';
import { analyticsEventNames, type Database } from '@wakeflow/db';

export async function knownEventNamesOf(db: Database, workspaceId: string): Promise<Set<string>> {
  const rows = await db
    .select({ name: analyticsEventNames.name })
    .from(analyticsEventNames)
    .where(eq(analyticsEventNames.workspaceId, workspaceId));
  return new Set<string>([...knownEventNames, ...rows.map((r) => r.name)]);
}

/** Pure part: problems of the settings given the event names that exist. */
export function measurementProblems(settings: unknown, eventNames: ReadonlySet<string>): Problem[] {
  const parsed = journeySettingsSchema.safeParse(settings ?? {});
  if (!parsed.success) return problemsFromZod(parsed.error, 'invalid_settings', ['settings']);
  const conversion = parsed.data.conversion;
  const problems: Problem[] = [];
  conversion?.events.forEach((name, i) => {
    if (!eventNames.has(name)) {
      problems.push({
        code: 'invalid_settings',
        path: `settings.conversion.events.${i}`,
        message: `No event “${name}” has been received in this workspace; check the name or send one first`,
      });
    }
  });
  return problems;
}

export async function checkMeasurementSettings(
  db: Database,
  workspaceId: string,
  settings: unknown,
): Promise<Problem[]> {
  return measurementProblems(settings, await knownEventNamesOf(db, workspaceId));
}
