import { describe, expect, it } from 'vitest';
import { canTake, journeyLifecycle } from './lifecycle';

describe('journey lifecycle', () => {
  it('allows each action only from the states it names', () => {
    expect(canTake('pause', 'live')).toBe(true);
    expect(canTake('pause', 'paused')).toBe(false);
    expect(canTake('resume', 'paused')).toBe(true);
    expect(canTake('resume', 'stopped')).toBe(false);
    expect(canTake('stop', 'paused')).toBe(true);
    expect(canTake('stop', 'draft')).toBe(false);
    expect(canTake('archive', 'live')).toBe(true);
    expect(canTake('archive', 'archived')).toBe(false);
  });

  it('shows a live journey whose start is ahead as scheduled', () => {
    const launch = { startAt: '2026-12-08T09:00:00Z' };
    expect(journeyLifecycle('live', launch, new Date('2026-12-07T09:00:00Z'))).toBe('scheduled');
    expect(journeyLifecycle('live', launch, new Date('2026-12-08T09:00:00Z'))).toBe('live');
    expect(journeyLifecycle('paused', launch, new Date('2026-12-07T09:00:00Z'))).toBe('paused');
  });
});
