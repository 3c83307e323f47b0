import { describe, expect, it } from 'vitest';
import { audienceSettingsSchema, defaultAudienceSettings } from '../settings';
import { eventAmountIssues, purchaseAmount } from './amounts';

describe('purchase amounts', () => {
  it('reads the amount like the facts SQL: a number or a numeric string at the dot path', () => {
    const nested = audienceSettingsSchema.parse({ amountProperty: 'order.total' });
    expect(purchaseAmount(nested, { order: { total: '-12.5' } })).toBe(-12.5);
    expect(purchaseAmount(nested, { order: { total: 'lots' } })).toBeUndefined();
    expect(purchaseAmount(nested, { order: 3 })).toBeUndefined();
  });

  it('refuses negative purchases unless refunds are allowed; other events are not purchases', () => {
    const events = [
      { name: 'purchase', properties: { amount: 10 } },
      { name: 'purchase', properties: { amount: -1_000_000 } },
      { name: 'browse', properties: { amount: -1 } },
      { name: 'store_purchase', properties: { amount: ' -2 ' } },
    ];
    expect(defaultAudienceSettings.allowRefunds).toBe(false);
    expect(eventAmountIssues(defaultAudienceSettings, events)).toEqual([
      { index: 1, path: 'properties.amount', message: expect.stringMatching(/negative/) },
      { index: 3, path: 'properties.amount', message: expect.stringMatching(/negative/) },
    ]);
    expect(eventAmountIssues(audienceSettingsSchema.parse({ allowRefunds: true }), events)).toEqual([]);
  });
});
