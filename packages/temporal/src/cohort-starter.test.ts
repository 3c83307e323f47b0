import { describe, expect, it } from 'vitest';
import { cohortSettingsFromEnv, DEFAULT_COHORT_SETTINGS, MAX_COHORT_SIZE } from './cohort-starter';

describe('cohortSettingsFromEnv', () => {
  it('reads the threshold and size, 0 turning cohorts off', () => {
    expect(cohortSettingsFromEnv({})).toEqual(DEFAULT_COHORT_SETTINGS);
    expect(cohortSettingsFromEnv({ WAKEFLOW_COHORT_THRESHOLD: '0', WAKEFLOW_COHORT_SIZE: '500' })).toEqual({
      threshold: Number.POSITIVE_INFINITY,
      size: 500,
    });
  });

  it('refuses a size whose carried state could pass Temporal’s payload limit, naming the setting', () => {
    expect(cohortSettingsFromEnv({ WAKEFLOW_COHORT_SIZE: String(MAX_COHORT_SIZE) }).size).toBe(
      MAX_COHORT_SIZE,
    );
    expect(() => cohortSettingsFromEnv({ WAKEFLOW_COHORT_SIZE: '2000' })).toThrow(
      /WAKEFLOW_COHORT_SIZE must be a whole number of at least 1 and at most 1,000 .*payload limit.*“2000”/,
    );
    expect(() => cohortSettingsFromEnv({ WAKEFLOW_COHORT_THRESHOLD: 'many' })).toThrow(
      /WAKEFLOW_COHORT_THRESHOLD must be a whole number of at least 0, not “many”/,
    );
  });
});
