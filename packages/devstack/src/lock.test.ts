import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from './lock.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'devstack-lock-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('withFileLock', () => {
  it('never lets two holders overlap', async () => {
    const lock = path.join(root, 'x.lock');
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withFileLock(lock, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it('takes over a lock whose holder is dead', async () => {
    const lock = path.join(root, 'stale.lock');
    // pid 2^22 + 1 is above Linux's pid_max default, so nobody has it.
    await writeFile(
      lock,
      JSON.stringify({ pid: 4194305, host: os.hostname(), since: new Date().toISOString() }),
    );
    expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 2_000 })).toBe('ran');
  });

  it('times out while a live holder keeps it', async () => {
    const lock = path.join(root, 'held.lock');
    await writeFile(
      lock,
      JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
    );
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 500 })).rejects.toThrow(/Timed out/);
  });

  it('releases the lock when fn throws', async () => {
    const lock = path.join(root, 'throw.lock');
    await expect(withFileLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withFileLock(lock, async () => 'again', { timeoutMs: 500 })).toBe('again');
  });
});
