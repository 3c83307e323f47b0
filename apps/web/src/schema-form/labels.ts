/** Field labels in words: known config keys get a campaign manager's name, the rest are humanized. */
const labels: Record<string, string> = {
  segmentId: 'Segment',
  templateId: 'Message template',
  everyMinutes: 'Check every (minutes)',
  correlationKey: 'Match on property (optional)',
  outcome: 'Outcome name',
  timeout: 'Wait at most',
  duration: 'Wait for',
  time: 'Local time',
  weekdays: 'On',
  events: 'Events',
  event: 'Event',
  arms: 'Arms',
  percent: 'Share (%)',
  holdout: 'Holdout (never messaged)',
  setTraits: 'Set traits',
  addTags: 'Add tags',
  removeTags: 'Remove tags',
  filters: 'Only when',
  path: 'Property',
  op: 'Operator',
  value: 'Value',
  channel: 'Channel',
  mode: 'Wait',
  condition: 'Condition',
  conditions: 'Conditions',
  kind: 'Check',
  window: 'When',
  count: 'How many times',
  field: 'Profile field',
  tag: 'Tag',
  has: 'Has the tag',
  member: 'Is a member',
  goal: 'Goal',
  reentry: 'Re-entry',
  holdoutPercent: 'Global holdout (%)',
  priority: 'Priority (1–10)',
  conversion: 'Conversion',
  from: 'Counted from',
  launch: 'Launch: schedule and entry limits',
  startAt: 'Start entries at (ISO time, e.g. 2026-12-08T09:00:00Z)',
  endAt: 'No entries from (ISO time)',
  entryCap: 'At most this many entries in all',
  perHour: 'At most this many entries an hour',
  perDay: 'At most this many entries a day',
};

const optionLabels: Record<string, string> = {
  sms: 'SMS',
  email: 'Email',
  push: 'Push',
  duration: 'For a time',
  local_time: 'Until a local time',
  minutes: 'minutes',
  hours: 'hours',
  days: 'days',
  weeks: 'weeks',
  eq: 'is',
  neq: 'is not',
  gt: 'more than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is not set',
  in: 'is one of',
  since_entry: 'since entering the journey',
  last: 'in the last…',
  ever: 'ever',
  trait: 'Profile field',
  event: 'Did an event',
  tag: 'Has a tag',
  segment: 'In a segment',
  and: 'All of',
  or: 'Any of',
  not: 'Not',
  once: 'Only once',
  after: 'Again after a while',
  always: 'Every time',
  entry: 'entry',
  first_message: 'first message',
};

export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldLabel(key: string): string {
  return labels[key] ?? humanizeKey(key);
}

export function optionLabel(value: unknown): string {
  const s = String(value);
  return optionLabels[s] ?? humanizeKey(s);
}
