/** `tsx src/migrate-cli.ts`: apply migrations to DATABASE_URL. */
import { migrate } from './migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
await migrate(url);
console.log('migrations applied');
