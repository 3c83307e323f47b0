/**
 * Chart tooltips write each series' name in body text colour: recharts colours it like the series, and the pale
 * fills (tiers, stages) fall below a 4.5:1 contrast on the white tooltip.
 */
export const readableTooltip = { itemStyle: { color: 'var(--text)' } } as const;
