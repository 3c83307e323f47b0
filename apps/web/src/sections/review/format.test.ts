import { describe, expect, it } from 'vitest';
import { formatPoints, formatPointsInterval } from './format';

describe('lift in one unit', () => {
  it('writes a rate difference and its interval both in percentage points', () => {
    // The lift KPI once read "+0.0 pts" over "95%: -11.0% – 1.5%": points and percent side by side.
    expect(formatPoints(0)).toBe('+0.0 pts');
    expect(formatPoints(-0.034)).toBe('-3.4 pts');
    expect(formatPointsInterval([-0.11, 0.015])).toBe('-11.0 to +1.5 pts');
    expect(formatPointsInterval(null)).toBe('—');
  });
});
