/**
 * A small seeded random source for simulations in tests and benchmarks (A/A experiments, BG/NBD data): the same seed
 * always gives the same draws, so a statistical test is reproducible.
 */

export interface Random {
  /** Uniform on [0, 1). */
  next(): number;
  normal(): number;
  gamma(shape: number, scale: number): number;
  beta(a: number, b: number): number;
  exponential(rate: number): number;
}

/** sfc32, seeded through splitmix32 so nearby seeds give unrelated streams. */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  const normal = (): number => {
    // Box–Muller; 1 − u keeps the logarithm finite.
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const gamma = (shape: number, scale: number): number => {
    // Marsaglia–Tsang; shape < 1 boosted by U^(1/shape).
    if (shape < 1) return gamma(shape + 1, scale) * Math.pow(1 - next(), 1 / shape);
    const d0 = shape - 1 / 3;
    const c0 = 1 / Math.sqrt(9 * d0);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c0 * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d0 * (1 - v + Math.log(v)))
        return d0 * v * scale;
    }
  };
  return {
    next,
    normal,
    gamma,
    beta(a, b) {
      const x = gamma(a, 1);
      const y = gamma(b, 1);
      return x / (x + y);
    },
    exponential(rate) {
      return -Math.log(1 - next()) / rate;
    },
  };
}
