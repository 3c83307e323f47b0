/**
 * `tsx src/seed-cli.ts`: load the demo workspace into DATABASE_URL (skipped when already there). With
 * TEMPORAL_ADDRESS set it also schedules the demo journey's audience sweep and runs it once, so the canvas shows
 * customers moving through the journey right away.
 */
import { connectAsApp, migrate } from '@wakeflow/db';
import { upsertMaintenanceSchedule } from '@wakeflow/audience';
import { createCatalog } from '@wakeflow/catalog';
import { connectTemporalClient, temporalConfigFromEnv } from '@wakeflow/temporal';
import { seedDemo } from './demo/seed';
import { syncJourneySchedule } from './journeys/schedules';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const workspaceId = process.env.WAKEFLOW_WORKSPACE ?? 'default';
await migrate(url);
// The demo data is loaded the way the app writes it, as the app role.
const handle = await connectAsApp(url);
try {
  const result = await seedDemo({ db: handle.db, catalog: createCatalog(), workspaceId });
  console.log(
    result.seeded
      ? `demo data loaded: ${result.customers} customers, ${result.events} events`
      : 'demo data already present',
  );
  if (result.seeded && process.env.TEMPORAL_ADDRESS) {
    const { client, connection } = await connectTemporalClient(temporalConfigFromEnv());
    try {
      const { scheduleId } = await syncJourneySchedule(client, {
        workspaceId,
        journeyId: result.journeyId,
        plan: result.plan,
      });
      await upsertMaintenanceSchedule(client, { workspaceId });
      if (scheduleId) await client.schedule.getHandle(scheduleId).trigger();
      console.log('demo journey scheduled; its first audience sweep is running');
    } finally {
      await connection.close();
    }
  }
} finally {
  await handle.close();
}
