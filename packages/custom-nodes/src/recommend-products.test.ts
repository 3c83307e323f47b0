/** The recommendation node's config: defaults a campaign manager can leave alone, limits, canvas wording. */
import { describe, expect, it } from 'vitest';
import { recommendProducts, recommendProductsConfigSchema } from './recommend-products';

describe('recommend_products', () => {
  it('defaults to the top 3 productIds of purchase events from 20 similar customers, with a popular fallback', () => {
    expect(recommendProductsConfigSchema.parse({})).toEqual({
      productProperty: 'productId',
      event: 'purchase',
      limit: 3,
      neighbours: 20,
      weighting: 'binary',
      fallback: 'popular',
    });
  });

  it('refuses limits outside 1–20 and property names that are not identifiers', () => {
    expect(recommendProductsConfigSchema.safeParse({ limit: 21 }).success).toBe(false);
    expect(recommendProductsConfigSchema.safeParse({ productProperty: 'product id' }).success).toBe(false);
    expect(
      recommendProductsConfigSchema.safeParse({
        productProperty: 'sku',
        lookback: { amount: 90, unit: 'days' },
      }).success,
    ).toBe(true);
  });

  it('describes itself for the canvas', () => {
    expect(recommendProducts.describe({})).toBe('Recommend 3 products from purchase events by “productId”');
    expect(
      recommendProducts.describe({
        limit: 1,
        productProperty: 'sku',
        lookback: { amount: 90, unit: 'days' },
      }),
    ).toBe('Recommend 1 product from purchase events by “sku” in the last 90 days');
  });
});
