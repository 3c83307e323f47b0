/** How the review and results pages write times, rates and money: one place, so every table reads the same. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatShortTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatInterval(interval: readonly [number, number] | null | undefined, digits = 1): string {
  if (!interval) return '—';
  return `${formatPercent(interval[0], digits)} – ${formatPercent(interval[1], digits)}`;
}

/** A difference of two rates in percentage points, signed: "+2.5 pts". */
export function formatPoints(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const points = value * 100;
  return `${points >= 0 ? '+' : ''}${points.toFixed(digits)} pts`;
}

/** An interval of a difference of rates, in the same unit as the difference: "-11.0 to +1.5 pts". */
export function formatPointsInterval(
  interval: readonly [number, number] | null | undefined,
  digits = 1,
): string {
  if (!interval) return '—';
  const signed = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(digits)}`;
  return `${signed(interval[0])} to ${signed(interval[1])} pts`;
}

export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString();
}

/** "cancelled" → "Cancelled", "still_dormant" → "Still dormant". */
export function humanise(value: string): string {
  const text = value.replace(/[_-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
