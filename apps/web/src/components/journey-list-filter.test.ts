import { describe, expect, it } from 'vitest';
import { filterJourneys, noJourneyFilter, tagsOf } from './journey-list-filter';

const j = (name: string, status: string, tags: string[], lifecycle?: string, description = '') => ({
  name,
  description,
  status,
  tags,
  ...(lifecycle ? { lifecycle: lifecycle as 'scheduled' } : {}),
});

const list = [
  j('Win back 30 days', 'live', ['win-back', 'Q4']),
  j('Birthday gift', 'live', ['lifecycle'], 'scheduled'),
  j('Old promo', 'paused', [], undefined, 'Spring sale win'),
  j('Welcome', 'draft', ['onboarding']),
];

describe('the journey list filter', () => {
  it('finds words in the name, description or tags, every word, any case', () => {
    expect(filterJourneys(list, { ...noJourneyFilter, q: 'WIN' }).map((x) => x.name)).toEqual([
      'Win back 30 days',
      'Old promo',
    ]);
    expect(filterJourneys(list, { ...noJourneyFilter, q: 'win q4' }).map((x) => x.name)).toEqual([
      'Win back 30 days',
    ]);
  });

  it('filters by the status as shown (scheduled is not live) and by one tag', () => {
    expect(filterJourneys(list, { ...noJourneyFilter, status: 'live' }).map((x) => x.name)).toEqual([
      'Win back 30 days',
    ]);
    expect(filterJourneys(list, { ...noJourneyFilter, status: 'scheduled' }).map((x) => x.name)).toEqual([
      'Birthday gift',
    ]);
    expect(filterJourneys(list, { ...noJourneyFilter, tag: 'onboarding' }).map((x) => x.name)).toEqual([
      'Welcome',
    ]);
    expect(filterJourneys(list, noJourneyFilter)).toHaveLength(4);
  });

  it('lists the tags in use once, sorted', () => {
    expect(tagsOf(list)).toEqual(['lifecycle', 'onboarding', 'Q4', 'win-back']);
  });
});
