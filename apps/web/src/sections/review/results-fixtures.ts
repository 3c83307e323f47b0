/** Results API answers for the review section's tests: zero-cost figures, a lift against a holdout, a journey. */
import type { GroupFigures, JourneyResults, LiftFigures, ResultsGroupBy } from '../../api/review';

export function groupFigures(
  entered: number,
  converted: number,
  rateInterval: [number, number] | null = null,
): GroupFigures {
  return {
    entered,
    messaged: entered,
    messagesSent: entered,
    converted,
    rate: entered ? converted / entered : null,
    rateInterval,
    cost: { messages: 0, coupons: 0, total: 0 },
    costPerReactivation: null,
    ltv: {
      spendBeforePerReactivated: null,
      spendAfterPerReactivated: null,
      upliftPerReactivated: null,
      spendAfterEntryPerEntrant: null,
    },
  };
}

/** Against this holdout, every other figure unknown unless given. */
export function liftFigures(holdout: LiftFigures['holdout'], known: Partial<LiftFigures> = {}): LiftFigures {
  return {
    holdout,
    absoluteLift: null,
    absoluteLiftInterval: null,
    relativeLift: null,
    relativeLiftInterval: null,
    incrementalReactivations: null,
    costPerIncrementalReactivation: null,
    spendAfterEntryDifference: null,
    spendAfterEntryDifferenceInterval: null,
    ...known,
  };
}

export function journeyResults(
  groups: JourneyResults['groups'],
  groupBy: ResultsGroupBy = 'day',
): JourneyResults {
  const all = groupFigures(0, 0);
  return {
    journeyId: 'j',
    version: null,
    groupBy,
    conversion: null,
    ltvWindowDays: 90,
    overall: { all, treatment: all, holdout: null, lift: null },
    groups,
  };
}
