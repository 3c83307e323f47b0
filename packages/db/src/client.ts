/** A connection pool and the typed drizzle handle over it. */
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index';

export type Database = NodePgDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface ConnectOptions {
  max?: number;
  /**
   * How long a query may wait for a connection (a new one, or a free one of the pool) before it fails. pg's
   * default is forever, so an unreachable PostgreSQL hangs requests; the API sets a few seconds and answers 503.
   */
  connectionTimeoutMillis?: number;
}

export function connect(databaseUrl: string, options: ConnectOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    ...(options.connectionTimeoutMillis !== undefined
      ? { connectionTimeoutMillis: options.connectionTimeoutMillis }
      : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor a checked-out one: a transaction held open across a slow call (the outbox drainer waits on Temporal) gets
  // PostgreSQL's "terminating connection" as an 'error' event, which unhandled kills the process (seen in the fault
  // suite: a worker died when PostgreSQL restarted). Its pending and next queries still fail, and are retried.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}
