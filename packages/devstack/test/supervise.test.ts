/**
 * The local stack's supervisor on real processes: a service that dies is started again (with the back-off said),
 * and nothing is started again once the stack is shutting down.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canQuery,
  startEmbeddedPostgres,
  type EnsurePostgresOptions,
  type PostgresHandle,
} from '../src/postgres';
import { spawnManaged, stopAll } from '../src/processes';
import { supervise } from '../src/supervise';

describe('supervise', () => {
  afterAll(async () => {
    await stopAll();
  });

  it('starts a crashed service again, with a growing back-off it reports', async () => {
    const said: string[] = [];
    let starts = 0;
    const service = supervise({
      name: 'crashy',
      // Dies 100 ms after each start, like a worker that cannot reach its server.
      start: () =>
        spawnManaged({
          name: 'crashy',
          command: process.execPath,
          args: ['-e', 'setTimeout(() => process.exit(3), 100)'],
          output: 'ignore',
        }),
      onStart: () => void (starts += 1),
      say: (line) => void said.push(line),
      maxDelayMs: 400,
    });
    await expect.poll(() => starts, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    expect(service.restarts()).toBe(starts - 1);
    expect(said[0]).toBe('crashy stopped (exit code 3); starting it again in 0.4s');
    expect(said[1]).toMatch(/starting it again in 0\.4s \(failure 2 in a row\)/);
  });

  it('starts a PostgreSQL the stack started again after it was killed, on the same port and data', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wakeflow-supervise-pg-'));
    const options: EnsurePostgresOptions = {
      dataDir: path.join(dir, 'postgres'),
      logFile: path.join(dir, 'postgres.log'),
      unsafeFast: true,
      log: () => undefined,
    };
    let current: PostgresHandle = await startEmbeddedPostgres({ ...options, port: 0 });
    const said: string[] = [];
    try {
      const setup = new pg.Client({ connectionString: current.url });
      await setup.connect();
      await setup.query('create table kept (n int); insert into kept values (7)');
      await setup.end();
      supervise({
        name: 'postgres',
        initial: { exited: current.exited! },
        start: async () => {
          current = await startEmbeddedPostgres({ ...options, port: current.port });
          return { exited: current.exited! };
        },
        say: (line) => void said.push(line),
        maxDelayMs: 500,
      });
      // The cluster commits asynchronously (synchronous_commit=off): give the WAL writer a moment before the kill.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const killed = current.pid!;
      process.kill(killed, 'SIGKILL');
      await expect.poll(() => current.pid !== killed, { timeout: 60_000, interval: 200 }).toBe(true);
      expect(await canQuery(current.url)).toBe(true);
      const client = new pg.Client({ connectionString: current.url });
      await client.connect();
      const { rows } = await client.query<{ n: number }>('select n from kept');
      await client.end();
      expect(rows).toEqual([{ n: 7 }]);
      expect(said[0]).toMatch(/^postgres stopped \(SIGKILL\); starting it again in 0\.5s/);
    } finally {
      await stopAll();
      await current.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('leaves a service stopped once the stack shuts down', async () => {
    let starts = 0;
    const service = supervise({
      name: 'steady',
      start: () =>
        spawnManaged({
          name: 'steady',
          command: process.execPath,
          args: ['-e', 'setInterval(() => undefined, 1000)'],
          output: 'ignore',
        }),
      onStart: () => void (starts += 1),
      say: () => undefined,
    });
    await stopAll();
    await service.current().exited;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(starts).toBe(1);
  });
});
