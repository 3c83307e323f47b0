import { describe, expect, it } from 'vitest';
import { throughOutage } from './through-outage';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function virtualClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('throughOutage', () => {
  it('retries a write while the database is unreachable and returns its result', async () => {
    const clock = virtualClock();
    let calls = 0;
    const result = await throughOutage(
      async () => {
        calls += 1;
        if (calls < 4) throw refused();
        return 'sent';
      },
      { deadlineMs: 10_000, ...clock },
    );
    expect(result).toBe('sent');
    expect(calls).toBe(4);
    expect(clock.now()).toBe(250 + 500 + 1_000);
  });

  it('writes again after PostgreSQL rolled the write back for another transaction (deadlock, serialization)', async () => {
    const clock = virtualClock();
    const codes = ['40P01', '40001'];
    let calls = 0;
    const result = await throughOutage(
      async () => {
        const code = codes[calls];
        calls += 1;
        if (code)
          throw new Error('failed query', { cause: Object.assign(new Error('deadlock detected'), { code }) });
        return 'recorded';
      },
      { deadlineMs: 10_000, ...clock },
    );
    expect(result).toBe('recorded');
    expect(calls).toBe(3);
  });

  it('gives up at the deadline with the outage error', async () => {
    const clock = virtualClock();
    await expect(
      throughOutage(
        async () => {
          throw refused();
        },
        { deadlineMs: 5_000, ...clock },
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
    expect(clock.now()).toBeLessThanOrEqual(5_000);
  });

  it('does not retry an error that is not an outage', async () => {
    let calls = 0;
    await expect(
      throughOutage(
        async () => {
          calls += 1;
          throw Object.assign(new Error('duplicate key'), { code: '23505' });
        },
        { deadlineMs: 5_000, ...virtualClock() },
      ),
    ).rejects.toThrow(/duplicate key/);
    expect(calls).toBe(1);
  });
});
