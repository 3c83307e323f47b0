/**
 * The local stack's supervisor on real processes: a service that dies is started again (with the back-off said),
 * and nothing is started again once the stack is shutting down.
 */
import { afterAll, describe, expect, it } from 'vitest';
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
