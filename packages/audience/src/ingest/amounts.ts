/**
 * Purchase amounts checked against the workspace's fact definitions before an event is stored: a negative amount
 * is a refund, and unless the definitions allow refunds it would make a customer's total spend negative for good.
 * Reads the amount exactly as the facts SQL does (a number, or a numeric string), so what is refused here is what
 * would have been summed there.
 */
import type { EventInput } from '@wakeflow/journey';
import type { AudienceSettings } from '../settings';

export interface EventAmountIssue {
  /** Index of the event in the batch. */
  index: number;
  /** Path inside the event, e.g. `properties.amount`. */
  path: string;
  message: string;
}

/** The amount at the settings' dot path, as the facts SQL's `jsonNumeric` reads it; undefined when none. */
export function purchaseAmount(
  settings: AudienceSettings,
  properties: Record<string, unknown>,
): number | undefined {
  let value: unknown = properties;
  for (const key of settings.amountProperty.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

export function eventAmountIssues(
  settings: AudienceSettings,
  events: readonly Pick<EventInput, 'name' | 'properties'>[],
): EventAmountIssue[] {
  if (settings.allowRefunds) return [];
  const issues: EventAmountIssue[] = [];
  events.forEach((event, index) => {
    if (!settings.purchaseEvents.includes(event.name)) return;
    const amount = purchaseAmount(settings, event.properties ?? {});
    if (amount !== undefined && amount < 0) {
      issues.push({
        index,
        path: `properties.${settings.amountProperty}`,
        message: 'Must not be negative: refunds are not allowed by the fact definitions',
      });
    }
  });
  return issues;
}

/** Thrown by ingest when an event breaks the fact definitions; nothing of the batch is stored. */
export class EventAmountError extends Error {
  constructor(readonly issues: EventAmountIssue[]) {
    super(`Event ${issues[0]?.index ?? 0}: ${issues[0]?.path} ${issues[0]?.message}`);
    this.name = 'EventAmountError';
  }
}
