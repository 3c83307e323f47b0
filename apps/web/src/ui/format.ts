/** Dates as people read them, and '—' or 'never' for none. */
/** '—' for no value, the value itself when it is not a date, else the date as `show` writes it. */
function formatWith(value: string | null | undefined, show: (d: Date) => string): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : show(d);
}

export const formatDateTime = (value: string | null | undefined): string =>
  formatWith(value, (d) =>
    d.toLocaleString(undefined, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    }),
  );

export const formatDate = (value: string | null | undefined): string =>
  formatWith(value, (d) =>
    d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }),
  );

/** "12 days ago", "today", "never". */
export function daysAgo(value: string | null | undefined, now: Date = new Date()): string {
  if (!value) return 'never';
  const days = Math.floor((now.getTime() - new Date(value).getTime()) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days.toLocaleString()} days ago`;
}
