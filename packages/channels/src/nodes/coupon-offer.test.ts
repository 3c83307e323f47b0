import { describe, expect, it } from 'vitest';
import { chooseOffer, couponOffer, couponOfferConfigSchema } from './coupon-offer';

// DOMAIN S-RE-3: 3–6 months dormant → 20 off, no minimum; 6–12 months → 50 off above a threshold.
const offers = couponOfferConfigSchema.parse({
  offers: [
    { name: 'vip_upgrade', poolId: 'vip', valueTiers: ['high'], minDaysInactive: 90 },
    { name: 'twenty_off', poolId: 'wb20', minDaysInactive: 90, maxDaysInactive: 180 },
    { name: 'fifty_off', poolId: 'wb50', minDaysInactive: 180, maxDaysInactive: 365 },
  ],
}).offers;

describe('graded coupon offers', () => {
  it('picks the first offer whose dormancy and tier match', () => {
    expect(chooseOffer(offers, { daysInactive: 120, valueTier: 'mid' })?.name).toBe('twenty_off');
    expect(chooseOffer(offers, { daysInactive: 200, valueTier: 'low' })?.name).toBe('fifty_off');
    expect(chooseOffer(offers, { daysInactive: 200, valueTier: 'high' })?.name).toBe('vip_upgrade');
    expect(chooseOffer(offers, { daysInactive: 30, valueTier: 'mid' })).toBeNull();
    expect(chooseOffer(offers, { daysInactive: 400, valueTier: null })).toBeNull();
    expect(chooseOffer(offers, { daysInactive: null, valueTier: null })).toBeNull();
  });

  it('refuses an inverted range', () => {
    expect(() =>
      couponOffer.configSchema.parse({
        offers: [{ name: 'x', poolId: 'p', minDaysInactive: 10, maxDaysInactive: 5 }],
      }),
    ).toThrow();
  });

  it('names the coupon pools it draws from, each once, so publish and deletes can check them', () => {
    const config = couponOffer.configSchema.parse({
      offers: [...offers, { name: 'again', poolId: 'wb20' }],
    });
    expect(couponOffer.references?.(config)).toEqual({ couponPoolIds: ['vip', 'wb20', 'wb50'] });
  });
});
