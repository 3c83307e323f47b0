/**
 * @wakeflow/analytics: did the campaign work. Conversions recorded as events arrive, figures from trigger-maintained
 * rollups (rates with intervals, lift against the holdout, cost, LTV uplift), A/B/n experiments with an automatic
 * winner valid under continuous monitoring, churn risk and predicted value (BG/NBD + Gamma-Gamma), dormancy reasons.
 */
export * from './settings';
export * from './stats/intervals';
export * from './stats/beta';
export * from './stats/sequential-test';
export * from './stats/random';
export * from './conversions/record';
export * from './conversions/definition';
export * from './results/figures';
export * from './results/load';
export * from './results/csv';
export * from './experiments/arm-counts';
export * from './experiments/store';
export * from './churn/special';
export * from './churn/nelder-mead';
export * from './churn/bgnbd';
export * from './churn/gamma-gamma';
export * from './churn/transactions';
export * from './churn/simulate';
export * from './churn/refit';
export * from './churn/holdout';
export * from './dormancy/reasons';
