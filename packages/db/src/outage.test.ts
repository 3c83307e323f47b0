import { describe, expect, it } from 'vitest';
import { isDatabaseOutage } from './outage';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseOutage', () => {
  it('recognises a refused connection, also inside AggregateError and cause', () => {
    const refused = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    expect(isDatabaseOutage(refused)).toBe(true);
    expect(isDatabaseOutage(new AggregateError([refused]))).toBe(true);
    expect(isDatabaseOutage(new Error('query failed', { cause: refused }))).toBe(true);
  });

  it('recognises a server shutting down and a dropped connection', () => {
    expect(isDatabaseOutage(withCode('terminating connection due to administrator command', '57P01'))).toBe(
      true,
    );
    expect(isDatabaseOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not take a failing statement for an outage', () => {
    expect(isDatabaseOutage(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isDatabaseOutage(new Error('syntax error'))).toBe(false);
    expect(isDatabaseOutage('ECONNREFUSED')).toBe(false);
  });
});
