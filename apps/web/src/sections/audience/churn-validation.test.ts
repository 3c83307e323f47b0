import { describe, expect, it } from 'vitest';
import { validationRows, validationSummary } from './churn-validation';

describe('the churn model checked on history', () => {
  it('draws a bar pair per calibration frequency, the last one "or more", empty groups left out', () => {
    const groups = [
      { repeatPurchases: 0, orMore: false, customers: 1411, actual: 334 / 1411, predicted: 317.6 / 1411 },
      { repeatPurchases: 1, orMore: false, customers: 0, actual: 0, predicted: 0 },
      { repeatPurchases: 2, orMore: true, customers: 93, actual: 5.5806, predicted: 5.33 },
    ];
    expect(validationRows({ groups })).toEqual([
      { label: '0', customers: 1411, actual: 0.237, predicted: 0.225 },
      { label: '2+', customers: 93, actual: 5.581, predicted: 5.33 },
    ]);
  });

  it('says the totals and how far the prediction is from what happened', () => {
    expect(validationSummary({ totalActual: 1882, totalPredicted: 1653.4, holdoutDays: 273 })).toBe(
      'Predicted 1,653 repeat purchases in the 273-day holdout, actual 1,882 (12% fewer than happened).',
    );
    expect(validationSummary({ totalActual: 100, totalPredicted: 100.2, holdoutDays: 30 })).toMatch(
      /as many as happened/,
    );
  });
});
