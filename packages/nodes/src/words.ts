/** Small helpers the node kinds share to put configs into a campaign manager's words. */

const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `second_wave` → "second wave". */
export function humanize(name: string): string {
  return name.replace(/_/g, ' ');
}

/** "login or purchase", "a, b and c". */
export function listWords(items: readonly string[], joiner: 'or' | 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

/** " on Mon, Wed" for fewer than all seven ISO weekdays, else "". */
export function onWeekdays(weekdays: readonly number[]): string {
  const days = [...new Set(weekdays)].sort((a, b) => a - b);
  return days.length > 0 && days.length < 7
    ? ` on ${days.map((d) => weekdayNames[d - 1] ?? '?').join(', ')}`
    : '';
}
