import { describe, expect, it } from 'vitest';
import { audienceSettingsSchema, defaultAudienceSettings, isActivityEvent } from './settings';

describe('audience settings', () => {
  it('defaults: every event but message receipts is activity', () => {
    expect(isActivityEvent(defaultAudienceSettings, 'login')).toBe(true);
    expect(isActivityEvent(defaultAudienceSettings, 'my_custom_event')).toBe(true);
    expect(isActivityEvent(defaultAudienceSettings, 'message_delivered')).toBe(false);
  });
  it('“only” lists exactly the activity events', () => {
    const s = audienceSettingsSchema.parse({ activity: { mode: 'only', events: ['purchase'] } });
    expect([isActivityEvent(s, 'purchase'), isActivityEvent(s, 'login')]).toEqual([true, false]);
    expect(s.windowsDays).toEqual([30, 90, 180, 365]);
  });
  it('refuses stage boundaries that do not increase and tiers in the wrong order', () => {
    const r = audienceSettingsSchema.safeParse({
      dormancyStagesDays: [30, 20, 180, 365],
      valueTier: { highMin: 8, midMin: 12 },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['dormancyStagesDays', 'valueTier']);
  });
});
