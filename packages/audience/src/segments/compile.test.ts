import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Condition } from '@wakeflow/journey';
import { defaultAudienceSettings } from '../settings';
import { checkCondition } from './check';
import { compileCondition } from './compile';

const dialect = new PgDialect();
const ctx = {
  workspaceId: 'w',
  now: '2026-06-01T00:00:00Z',
  settings: defaultAudienceSettings,
  segments: new Map<string, Condition>(),
};

describe('compileCondition', () => {
  it('binds every user value as a parameter', () => {
    const hostile = "'); drop table customers; --";
    const query = dialect.sqlToQuery(
      compileCondition(
        {
          kind: 'and',
          conditions: [
            { kind: 'tag', tag: hostile, has: true },
            { kind: 'trait', field: 'traits.city', op: 'eq', value: hostile },
            {
              kind: 'event',
              event: hostile,
              window: { type: 'ever' },
              count: { op: 'gte', value: 2 },
              filters: [{ path: 'a.b', op: 'eq', value: hostile }],
            },
          ],
        },
        ctx,
      ),
    );
    expect(query.sql).not.toContain('drop table');
    expect(query.params.filter((p) => p === hostile)).toHaveLength(4);
  });
  it('turns “days since last login ≥ 30” into an index range on last_login_at', () => {
    const query = dialect.sqlToQuery(
      compileCondition({ kind: 'trait', field: 'facts.daysSinceLastLogin', op: 'gte', value: 30 }, ctx),
    );
    expect(query.sql).toContain('"customers"."last_login_at" <= ');
    expect(query.sql).not.toContain('extract(epoch');
  });
  it('uses EXISTS for “did not happen”', () => {
    const query = dialect.sqlToQuery(
      compileCondition(
        {
          kind: 'event',
          event: 'login',
          window: { type: 'last', duration: { amount: 30, unit: 'days' } },
          count: { op: 'eq', value: 0 },
        },
        ctx,
      ),
    );
    expect(query.sql).toContain('not exists (select 1 from events ev');
  });
});

describe('checkCondition', () => {
  it('names the node of each problem', () => {
    const { problems } = checkCondition(
      {
        kind: 'not',
        condition: {
          kind: 'or',
          conditions: [
            { kind: 'trait', field: 'email', op: 'gt', value: 'a' },
            { kind: 'trait', field: 'facts.isBirthdayMonth', op: 'gt', value: true },
          ],
        },
      },
      { segments: new Map(), allowSinceEntry: false },
    );
    expect(problems).toEqual([
      {
        path: 'condition.conditions.1.op',
        message: 'facts.isBirthdayMonth can only be compared with equals / not equals / in',
      },
    ]);
  });
  it('reports the shape errors of zod with their path', () => {
    const { problems } = checkCondition(
      { kind: 'and', conditions: [{ kind: 'tag', tag: '', has: true }] },
      { segments: new Map(), allowSinceEntry: false },
    );
    expect(problems).toEqual([{ path: 'conditions.0.tag', message: 'Choose a tag' }]);
  });
});
