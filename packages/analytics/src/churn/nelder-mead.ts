/**
 * Nelder–Mead simplex minimisation (Lagarias et al. 1998 coefficients: reflection 1, expansion 2, contraction ½,
 * shrink ½). No maintained JavaScript optimiser with types exists; this is the textbook method, small enough to
 * check by reading, and enough for the 3–4 smooth parameters of the customer-base models.
 */

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

export interface MinimizeOptions {
  /** Initial simplex step per coordinate. */
  step?: number;
  maxIterations?: number;
  /** Stop when the simplex's function values and points span less than these. */
  fTolerance?: number;
  xTolerance?: number;
}

export function nelderMead(
  f: (x: number[]) => number,
  start: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = start.length;
  const step = options.step ?? 0.5;
  const maxIterations = options.maxIterations ?? 2000 * n;
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-8;
  // A non-finite value (parameters outside the model's domain) is treated as +∞, so the simplex moves away.
  const evaluate = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  let simplex: { x: number[]; v: number }[] = [{ x: [...start], v: evaluate([...start]) }];
  for (let i = 0; i < n; i++) {
    const x = [...start];
    x[i] = x[i]! + step;
    simplex.push({ x, v: evaluate(x) });
  }

  let iterations = 0;
  let converged = false;
  const combine = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * (b[i]! - ai));

  while (iterations < maxIterations) {
    iterations++;
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const fSpan = Math.abs(worst.v - best.v);
    const xSpan = Math.max(
      ...simplex.slice(1).map((p) => Math.max(...p.x.map((xi, i) => Math.abs(xi - best.x[i]!)))),
    );
    if (fSpan <= fTol * (1 + Math.abs(best.v)) && xSpan <= xTol * (1 + Math.max(...best.x.map(Math.abs)))) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]!.x[j]! / n;

    const reflected = combine(centroid, worst.x, -1);
    const fr = evaluate(reflected);
    if (fr < best.v) {
      const expanded = combine(centroid, worst.x, -2);
      const fe = evaluate(expanded);
      simplex[n] = fe < fr ? { x: expanded, v: fe } : { x: reflected, v: fr };
      continue;
    }
    if (fr < simplex[n - 1]!.v) {
      simplex[n] = { x: reflected, v: fr };
      continue;
    }
    // Contract outside (towards the reflected point) or inside (towards the worst).
    const outside = fr < worst.v;
    const contracted = combine(centroid, outside ? reflected : worst.x, 0.5);
    const fc = evaluate(contracted);
    if (fc < (outside ? fr : worst.v)) {
      simplex[n] = { x: contracted, v: fc };
      continue;
    }
    simplex = simplex.map((p, i) => {
      if (i === 0) return p;
      const x = combine(best.x, p.x, 0.5);
      return { x, v: evaluate(x) };
    });
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations, converged };
}
