/**
 * User-based collaborative filtering (DOMAIN S-RE-6) as pure functions, so the math is tested on hand-computed
 * fixtures without a database: customers are similar when they bought the same products (cosine similarity of
 * their rows in the customer × product matrix), and a customer is recommended what their most similar customers
 * bought and they did not.
 */

/** A customer's row of the matrix: product id → weight (1 for "bought", or the number of purchases). */
export type ProductVector = ReadonlyMap<string, number>;

/** Customer id → their row. Only rows that share a product with the target customer matter. */
export type PurchaseMatrix = ReadonlyMap<string, ProductVector>;

export interface ScoredProduct {
  productId: string;
  score: number;
}

export interface RecommendOptions {
  /** How many products to return at most. */
  limit: number;
  /** How many of the most similar customers to learn from (k nearest neighbours). */
  neighbours: number;
}

/** cos(a, b) = a·b / (|a| |b|); 0 when either row is empty. */
export function cosineSimilarity(a: ProductVector, b: ProductVector): number {
  let dot = 0;
  // Iterate the shorter row: only shared products contribute to the dot product.
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [product, weight] of small) dot += weight * (large.get(product) ?? 0);
  if (dot === 0) return 0;
  return dot / (norm(a) * norm(b));
}

function norm(v: ProductVector): number {
  let sum = 0;
  for (const w of v.values()) sum += w * w;
  return Math.sqrt(sum);
}

/** Scores are rounded so outputs (which land in run context and templates) do not carry float noise. */
function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/**
 * The customer's k most similar customers (similarity > 0), most similar first; ties by customer id so the result
 * does not depend on the order rows were loaded in.
 */
export function nearestNeighbours(
  matrix: PurchaseMatrix,
  customerId: string,
  k: number,
): { customerId: string; similarity: number }[] {
  const target = matrix.get(customerId);
  if (!target || target.size === 0) return [];
  const scored: { customerId: string; similarity: number }[] = [];
  for (const [other, row] of matrix) {
    if (other === customerId) continue;
    const similarity = cosineSimilarity(target, row);
    if (similarity > 0) scored.push({ customerId: other, similarity });
  }
  scored.sort((a, b) => b.similarity - a.similarity || (a.customerId < b.customerId ? -1 : 1));
  return scored.slice(0, k);
}

/**
 * Products the customer has not bought, scored by the similarity-weighted mean of the neighbours' weights:
 * score(p) = Σ_v sim(u, v) · w(v, p) / Σ_v sim(u, v) over the k nearest neighbours v. With 0/1 weights this is the
 * share of the neighbourhood's similarity that bought p, between 0 and 1. Best first; ties by product id.
 */
export function recommendFromSimilarCustomers(
  matrix: PurchaseMatrix,
  customerId: string,
  options: RecommendOptions,
): ScoredProduct[] {
  const target = matrix.get(customerId);
  const neighbours = nearestNeighbours(matrix, customerId, options.neighbours);
  if (!target || neighbours.length === 0) return [];
  const totalSimilarity = neighbours.reduce((sum, n) => sum + n.similarity, 0);
  const scores = new Map<string, number>();
  for (const n of neighbours) {
    for (const [product, weight] of matrix.get(n.customerId)!) {
      if (target.has(product)) continue;
      scores.set(product, (scores.get(product) ?? 0) + n.similarity * weight);
    }
  }
  return [...scores]
    .map(([productId, sum]) => ({ productId, score: sum / totalSimilarity }))
    .sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1))
    .slice(0, options.limit)
    .map((p) => ({ productId: p.productId, score: round(p.score) }));
}

/**
 * The fallback for customers without history (or whose neighbours bought nothing new): the products bought by
 * the most customers, minus what this customer already has; score = share of purchasing customers who bought it.
 */
export function mostPopular(
  popularity: readonly { productId: string; buyers: number }[],
  totalBuyers: number,
  exclude: ReadonlySet<string>,
  limit: number,
): ScoredProduct[] {
  if (totalBuyers <= 0) return [];
  return popularity
    .filter((p) => !exclude.has(p.productId) && p.buyers > 0)
    .sort((a, b) => b.buyers - a.buyers || (a.productId < b.productId ? -1 : 1))
    .slice(0, limit)
    .map((p) => ({ productId: p.productId, score: round(p.buyers / totalBuyers) }));
}

/** Builds a matrix from (customer, product, purchases) rows; `binary` counts a product once however often bought. */
export function buildPurchaseMatrix(
  rows: readonly { customerId: string; productId: string; purchases: number }[],
  weighting: 'binary' | 'count',
): Map<string, Map<string, number>> {
  const matrix = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let row = matrix.get(r.customerId);
    if (!row) matrix.set(r.customerId, (row = new Map<string, number>()));
    const weight = weighting === 'binary' ? 1 : r.purchases;
    row.set(r.productId, weighting === 'binary' ? 1 : (row.get(r.productId) ?? 0) + weight);
  }
  return matrix;
}
