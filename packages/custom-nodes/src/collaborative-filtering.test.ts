/**
 * The collaborative-filtering math on a fixture small enough to compute by hand:
 *
 *            A  B  C  D  E  F
 *   alice    1  1  1  .  .  .      |alice| = √3
 *   bob      1  1  .  1  .  .      alice·bob   = 2  → sim = 2 / (√3·√3) = 2/3
 *   carol    1  .  .  .  1  .      alice·carol = 1  → sim = 1 / (√3·√2) = 1/√6 ≈ 0.4082
 *   dave     .  .  .  .  .  1      alice·dave  = 0  → not a neighbour
 *   erin     .  1  1  1  1  .      alice·erin  = 2  → sim = 2 / (√3·2)  = 1/√3 ≈ 0.5774
 *
 * For alice with k = 3 (bob, erin, carol; Σsim ≈ 1.6523): D = (2/3 + 1/√3) / Σ ≈ 0.7529, E = (1/√6 + 1/√3) / Σ ≈ 0.5965.
 */
import { describe, expect, it } from 'vitest';
import {
  buildPurchaseMatrix,
  cosineSimilarity,
  mostPopular,
  nearestNeighbours,
  recommendFromSimilarCustomers,
} from './collaborative-filtering';

const bought: Record<string, string[]> = {
  alice: ['A', 'B', 'C'],
  bob: ['A', 'B', 'D'],
  carol: ['A', 'E'],
  dave: ['F'],
  erin: ['B', 'C', 'D', 'E'],
};
const rows = Object.entries(bought).flatMap(([customerId, products]) =>
  products.map((productId) => ({ customerId, productId, purchases: 1 })),
);
const matrix = buildPurchaseMatrix(rows, 'binary');

describe('collaborative filtering', () => {
  it('computes cosine similarity of purchase rows', () => {
    expect(cosineSimilarity(matrix.get('alice')!, matrix.get('bob')!)).toBeCloseTo(2 / 3, 10);
    expect(cosineSimilarity(matrix.get('alice')!, matrix.get('carol')!)).toBeCloseTo(1 / Math.sqrt(6), 10);
    expect(cosineSimilarity(matrix.get('alice')!, matrix.get('erin')!)).toBeCloseTo(1 / Math.sqrt(3), 10);
    expect(cosineSimilarity(matrix.get('alice')!, matrix.get('dave')!)).toBe(0);
    expect(cosineSimilarity(new Map(), matrix.get('dave')!)).toBe(0);
  });

  it('finds the nearest neighbours, most similar first, ignoring customers with nothing in common', () => {
    expect(nearestNeighbours(matrix, 'alice', 10).map((n) => n.customerId)).toEqual(['bob', 'erin', 'carol']);
    expect(nearestNeighbours(matrix, 'alice', 2).map((n) => n.customerId)).toEqual(['bob', 'erin']);
    expect(nearestNeighbours(matrix, 'nobody', 2)).toEqual([]);
  });

  it('scores unbought products by the similarity-weighted share of neighbours who bought them', () => {
    expect(recommendFromSimilarCustomers(matrix, 'alice', { limit: 5, neighbours: 3 })).toEqual([
      { productId: 'D', score: 0.7529 },
      { productId: 'E', score: 0.5965 },
    ]);
    // Only bob and erin as neighbours: both bought D (score 1); only erin bought E: (1/√3) / (2/3 + 1/√3) ≈ 0.4641.
    expect(recommendFromSimilarCustomers(matrix, 'alice', { limit: 5, neighbours: 2 })).toEqual([
      { productId: 'D', score: 1 },
      { productId: 'E', score: 0.4641 },
    ]);
    expect(recommendFromSimilarCustomers(matrix, 'alice', { limit: 1, neighbours: 3 })).toEqual([
      { productId: 'D', score: 0.7529 },
    ]);
  });

  it('recommends nothing to customers without history or without similar customers', () => {
    expect(recommendFromSimilarCustomers(matrix, 'nobody', { limit: 3, neighbours: 3 })).toEqual([]);
    expect(recommendFromSimilarCustomers(matrix, 'dave', { limit: 3, neighbours: 3 })).toEqual([]);
  });

  it('weights by purchase count when asked', () => {
    // bob bought D twice: |bob| = √6, sim = 2 / (√3·√6) ≈ 0.4714; the only neighbour, so score(D) = 2.
    const counted = buildPurchaseMatrix(
      [
        { customerId: 'alice', productId: 'A', purchases: 1 },
        { customerId: 'alice', productId: 'B', purchases: 1 },
        { customerId: 'alice', productId: 'C', purchases: 1 },
        { customerId: 'bob', productId: 'A', purchases: 1 },
        { customerId: 'bob', productId: 'B', purchases: 1 },
        { customerId: 'bob', productId: 'D', purchases: 2 },
      ],
      'count',
    );
    expect(cosineSimilarity(counted.get('alice')!, counted.get('bob')!)).toBeCloseTo(2 / Math.sqrt(18), 10);
    expect(recommendFromSimilarCustomers(counted, 'alice', { limit: 3, neighbours: 3 })).toEqual([
      { productId: 'D', score: 2 },
    ]);
  });

  it('falls back to the most popular products the customer does not have', () => {
    const popularity = [
      { productId: 'B', buyers: 3 },
      { productId: 'A', buyers: 3 },
      { productId: 'E', buyers: 2 },
      { productId: 'F', buyers: 1 },
    ];
    expect(mostPopular(popularity, 5, new Set(), 2)).toEqual([
      { productId: 'A', score: 0.6 },
      { productId: 'B', score: 0.6 },
    ]);
    expect(mostPopular(popularity, 5, new Set(['A', 'B']), 2)).toEqual([
      { productId: 'E', score: 0.4 },
      { productId: 'F', score: 0.2 },
    ]);
    expect(mostPopular([], 0, new Set(), 3)).toEqual([]);
  });
});
