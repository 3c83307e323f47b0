/**
 * The database pool survives PostgreSQL restarting under it: a client held in a transaction while the server stops
 * (the event outbox drainer holds one while it waits on Temporal) must not crash the process, and once the server is
 * back the pool answers again. Runs on a PostgreSQL cluster of its own, which it stops.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startEmbeddedPostgres, type EnsurePostgresOptions, type PostgresHandle } from '@wakeflow/devstack';
import { connect, isDatabaseOutage } from '../src/index';

describe('the pool through a PostgreSQL restart', () => {
  let dir: string;
  let options: EnsurePostgresOptions;
  let postgres: PostgresHandle;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wakeflow-pool-outage-'));
    options = {
      dataDir: path.join(dir, 'postgres'),
      logFile: path.join(dir, 'postgres.log'),
      unsafeFast: true,
      log: () => undefined,
    };
    postgres = await startEmbeddedPostgres({ ...options, port: 0 });
    options.port = postgres.port;
  }, 60_000);

  afterAll(async () => {
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the process alive when a checked-out client is terminated, and answers once the server is back', async () => {
    const handle = connect(postgres.url, { connectionTimeoutMillis: 2_000 });
    const held = await handle.pool.connect();
    await held.query('begin');
    // The server ends every session: the held client gets an 'error' event with no query running.
    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const failed = await held.query('select 1').catch((error: unknown) => error);
    expect(
      isDatabaseOutage(failed) || (failed instanceof Error && /not queryable/.test(failed.message)),
    ).toBe(true);
    held.release(true);
    postgres = await startEmbeddedPostgres(options);
    const [row] = (await handle.db.execute(sql`select 1 as one`)).rows;
    expect(row).toEqual({ one: 1 });
    await handle.close();
  }, 60_000);
});
