/** The service task node's pure parts: defaults that encode S-RE-2's 48-hour line, due time, canvas wording. */
import { describe, expect, it } from 'vitest';
import {
  createServiceCallbackTask,
  serviceCallbackTaskConfigSchema,
  serviceTaskDueAt,
} from './service-callback-task';

describe('create_service_callback_task', () => {
  it('defaults to a high-priority task due in 48 hours', () => {
    expect(serviceCallbackTaskConfigSchema.parse({ reason: ' Call about the late delivery ' })).toEqual({
      reason: 'Call about the late delivery',
      priority: 'high',
      dueIn: { amount: 48, unit: 'hours' },
    });
  });

  it('computes the due time from the step’s workflow time', () => {
    expect(serviceTaskDueAt('2026-03-01T22:30:00.000Z', { amount: 48, unit: 'hours' }).toISOString()).toBe(
      '2026-03-03T22:30:00.000Z',
    );
    expect(serviceTaskDueAt('2026-03-01T22:30:00.000Z', { amount: 1, unit: 'weeks' }).toISOString()).toBe(
      '2026-03-08T22:30:00.000Z',
    );
  });

  it('describes itself for the canvas and refuses an empty reason', () => {
    expect(
      createServiceCallbackTask.describe({ reason: 'VIP gone quiet', dueIn: { amount: 2, unit: 'days' } }),
    ).toBe('Service team calls within 2 days (high): VIP gone quiet');
    expect(serviceCallbackTaskConfigSchema.safeParse({ reason: '   ' }).success).toBe(false);
    expect(createServiceCallbackTask.outcomes({ reason: 'x' })).toEqual(['next']);
  });
});
