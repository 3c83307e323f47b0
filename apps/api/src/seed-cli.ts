/** `tsx src/seed-cli.ts`: load the demo workspace into DATABASE_URL (skipped when already there). */
import { connect, migrate } from '@wakeflow/db';
import { createCatalog } from '@wakeflow/catalog';
import { seedDemo } from './demo/seed';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
await migrate(url);
const handle = connect(url);
try {
  const result = await seedDemo({ db: handle.db, catalog: createCatalog(), workspaceId: process.env.WAKEFLOW_WORKSPACE ?? 'default' });
  console.log(result.seeded ? `demo data loaded: ${result.customers} customers, ${result.events} events` : 'demo data already present');
} finally {
  await handle.close();
}
