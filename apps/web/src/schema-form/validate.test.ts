import { describe, expect, it } from 'vitest';
import { testCatalog } from '../editor-core/fixtures';
import { asJsonSchema, defaultValue } from './json-schema';
import { validateAgainstSchema } from './validate';

const schemaOf = (kind: string) => asJsonSchema(testCatalog.get(kind)!.configSchema);

describe('validateAgainstSchema', () => {
  it('accepts the canonical configs', () => {
    expect(
      validateAgainstSchema(schemaOf('wait_for_event'), {
        events: [{ event: 'login' }],
        timeout: { amount: 7, unit: 'days' },
      }),
    ).toEqual([]);
    expect(
      validateAgainstSchema(schemaOf('audience_trigger'), { segmentId: 'no-login-30d', everyMinutes: 60 }),
    ).toEqual([]);
  });

  it('checks only the chosen branch of a discriminated union', () => {
    expect(validateAgainstSchema(schemaOf('delay'), { mode: 'local_time', time: '25:00' })).toEqual([
      { path: 'time', message: 'Use a 24-hour time like 20:00' },
    ]);
  });

  it('follows $ref into recursive conditions', () => {
    const errors = validateAgainstSchema(schemaOf('branch'), {
      condition: {
        kind: 'and',
        conditions: [
          { kind: 'tag', tag: '', has: true },
          {
            kind: 'event',
            event: 'purchase',
            window: { type: 'last', duration: { amount: 0, unit: 'days' } },
            count: { op: 'gte', value: 1 },
          },
        ],
      },
    });
    expect(errors).toEqual([
      { path: 'condition.conditions.0.tag', message: 'Required' },
      { path: 'condition.conditions.1.window.duration.amount', message: 'Must be more than 0' },
    ]);
  });

  it('names trait keys that break the rule', () => {
    expect(validateAgainstSchema(schemaOf('update_customer'), { setTraits: { 'bad key': 1 } })).toEqual([
      { path: 'setTraits.bad key', message: 'Use letters, digits and _' },
    ]);
  });

  it('builds starting values from the schema', () => {
    expect(defaultValue(schemaOf('audience_trigger'))).toEqual({ segmentId: '', everyMinutes: 60 });
    expect(defaultValue(schemaOf('delay'))).toEqual({
      mode: 'duration',
      duration: { amount: 7, unit: 'days' },
    });
    expect(defaultValue(schemaOf('exit'))).toEqual({ outcome: 'completed' });
  });
});
