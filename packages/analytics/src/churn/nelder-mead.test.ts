import { describe, expect, it } from 'vitest';
import { nelderMead } from './nelder-mead';

describe('Nelder–Mead', () => {
  it('minimises the Rosenbrock function', () => {
    const r = nelderMead(([x, y]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2, [-1.2, 1], { step: 0.5 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });

  it('minimises a shifted quadratic in four dimensions and steps away from invalid regions', () => {
    const target = [1, -2, 3, 0.5];
    const r = nelderMead(
      (x) => (x[0]! < -5 ? Number.NaN : x.reduce((s, xi, i) => s + (i + 1) * (xi - target[i]!) ** 2, 0)),
      [0, 0, 0, 0],
    );
    r.x.forEach((xi, i) => expect(xi).toBeCloseTo(target[i]!, 5));
  });
});
