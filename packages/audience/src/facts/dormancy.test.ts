import { describe, expect, it } from 'vitest';
import { defaultAudienceSettings } from '../settings';
import { dormancyStageOf } from './dormancy';

const now = new Date('2026-06-01T00:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe('dormancyStageOf (S-ID-3)', () => {
  it('maps days since last activity to stages at the default boundaries 30/90/180/365', () => {
    const stage = (d: number | null) =>
      dormancyStageOf(d === null ? null : ago(d), now, defaultAudienceSettings);
    expect([
      stage(null),
      stage(0),
      stage(29.9),
      stage(30),
      stage(89),
      stage(90),
      stage(179),
      stage(180),
      stage(364),
      stage(365),
      stage(2000),
    ]).toEqual([
      'never_active',
      'active',
      'active',
      'dormant_1_3m',
      'dormant_1_3m',
      'dormant_3_6m',
      'dormant_3_6m',
      'dormant_6_12m',
      'dormant_6_12m',
      'dormant_12m_plus',
      'dormant_12m_plus',
    ]);
  });
  it('follows workspace boundaries', () => {
    const settings = {
      ...defaultAudienceSettings,
      dormancyStagesDays: [7, 14, 21, 28] as [number, number, number, number],
    };
    expect(dormancyStageOf(ago(10), now, settings)).toBe('dormant_1_3m');
  });
});
