/**
 * Steps and lanes in words, as the canvas shows them ("Wait up to 7 days for login or purchase", "A · 50%").
 * Built-in kinds get a sentence; custom kinds list their key settings.
 */
import type { GraphNode } from '@wakeflow/journey';
import type { EditorCatalog } from './catalog';

/** Names for ids the canvas shows, from the API's segment and template lists. */
export interface DescribeLookups {
  segmentName?(id: string): string | undefined;
  templateName?(id: string): string | undefined;
}

const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function formatDurationWords(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value.amount !== 'number' || typeof value.unit !== 'string')
    return undefined;
  const unit = value.amount === 1 ? value.unit.replace(/s$/, '') : value.unit;
  return `${value.amount} ${unit}`;
}

function listWords(items: string[], joiner: 'or' | 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

function humanize(name: string): string {
  return name.replace(/_/g, ' ');
}

function describeCondition(c: unknown): string {
  if (!isRecord(c)) return 'a condition';
  switch (c.kind) {
    case 'trait':
      return `${str(c.field) ?? 'a field'} ${String(c.op ?? 'is')}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`}`;
    case 'event': {
      const count = isRecord(c.count) ? c.count : {};
      const window = isRecord(c.window) ? c.window : {};
      const when =
        window.type === 'last'
          ? ` in the last ${formatDurationWords(window.duration) ?? '…'}`
          : window.type === 'since_entry'
            ? ' since entry'
            : '';
      const did =
        count.op === 'eq' && count.value === 0
          ? 'did not do'
          : count.op === 'gte' && count.value === 1
            ? 'did'
            : `did (${String(count.op)} ${String(count.value)})`;
      return `${did} ${str(c.event) ?? 'an event'}${when}`;
    }
    case 'tag':
      return `${c.has === false ? 'does not have' : 'has'} tag ${str(c.tag) ?? '…'}`;
    case 'segment':
      return `${c.member === false ? 'not in' : 'in'} segment ${str(c.segmentId) ?? '…'}`;
    case 'and':
    case 'or':
      return Array.isArray(c.conditions)
        ? c.conditions.map(describeCondition).join(` ${c.kind} `)
        : 'a condition';
    case 'not':
      return `not (${describeCondition(c.condition)})`;
    default:
      return 'a condition';
  }
}

/** One line in words for a step's card. */
export function describeStep(node: GraphNode, catalog: EditorCatalog, lookups: DescribeLookups = {}): string {
  const c = node.config;
  switch (node.type) {
    case 'audience_trigger': {
      const id = str(c.segmentId);
      if (!id) return 'Choose the segment customers enter from';
      return `Customers entering “${lookups.segmentName?.(id) ?? id}”`;
    }
    case 'event_trigger':
      return str(c.event) ? `When a customer does ${c.event}` : 'Choose the event that starts the journey';
    case 'api_trigger':
      return 'When entered through the API';
    case 'delay':
      if (c.mode === 'local_time') {
        const days = Array.isArray(c.weekdays)
          ? c.weekdays.filter((d): d is number => typeof d === 'number')
          : [];
        const on =
          days.length > 0 && days.length < 7
            ? ` on ${days.map((d) => weekdayNames[d - 1] ?? '?').join(', ')}`
            : '';
        return `Wait until ${str(c.time) ?? '…'} local time${on}`;
      }
      return `Wait ${formatDurationWords(c.duration) ?? '…'}`;
    case 'wait_for_event': {
      const events = Array.isArray(c.events) ? c.events.filter(isRecord).map((e) => str(e.event) ?? '…') : [];
      return `Wait up to ${formatDurationWords(c.timeout) ?? '…'} for ${events.length ? listWords(events, 'or') : 'an event'}`;
    }
    case 'branch':
      return `If ${describeCondition(c.condition)}`;
    case 'split': {
      const arms = Array.isArray(c.arms) ? c.arms.filter(isRecord) : [];
      return `Split ${arms.map((a) => `${str(a.name) ?? '?'} ${typeof a.percent === 'number' ? a.percent : '?'}%${a.holdout ? ' (holdout)' : ''}`).join(' / ')}`;
    }
    case 'send': {
      const channel =
        c.channel === 'sms'
          ? 'SMS'
          : c.channel === 'push'
            ? 'push'
            : c.channel === 'email'
              ? 'email'
              : 'message';
      const id = str(c.templateId);
      return id
        ? `Send ${channel} “${lookups.templateName?.(id) ?? id}”`
        : `Send ${channel}: choose a template`;
    }
    case 'update_customer': {
      const parts = [
        ...(isRecord(c.setTraits)
          ? Object.entries(c.setTraits).map(([k, v]) => `set ${k} = ${String(v)}`)
          : []),
        ...(Array.isArray(c.addTags) ? c.addTags.map((t) => `tag ${String(t)}`) : []),
        ...(Array.isArray(c.removeTags) ? c.removeTags.map((t) => `untag ${String(t)}`) : []),
      ];
      return parts.length ? parts.join(', ') : 'Set a trait or add a tag';
    }
    case 'exit':
      return `Exit as ${humanize(str(c.outcome) ?? 'completed')}`;
    default: {
      const entry = catalog.get(node.type);
      const settings = Object.entries(c)
        .filter(([, v]) => v !== null && typeof v !== 'object')
        .slice(0, 3)
        .map(([k, v]) => `${humanize(k)}: ${String(v)}`);
      return settings.length ? settings.join(' · ') : (entry?.palette.description ?? node.type);
    }
  }
}

/** The label on an outcome lane, or undefined for the plain `next` path. */
export function laneLabel(node: GraphNode, outcome: string): string | undefined {
  if (outcome === 'next') return undefined;
  if (node.type === 'branch') return outcome === 'yes' ? 'Yes' : outcome === 'no' ? 'No' : outcome;
  if (node.type === 'wait_for_event') {
    if (outcome === 'timeout') {
      const d = formatDurationWords(node.config.timeout);
      return d ? `Not within ${d}` : 'Timed out';
    }
    return `Did ${humanize(outcome)}`;
  }
  if (node.type === 'split') {
    const arms = Array.isArray(node.config.arms) ? node.config.arms.filter(isRecord) : [];
    const arm = arms.find((a) => a.name === outcome);
    if (arm)
      return `${humanize(outcome)} · ${typeof arm.percent === 'number' ? arm.percent : '?'}%${arm.holdout ? ' holdout' : ''}`;
  }
  return humanize(outcome);
}

/** The title on a step's card: its name, else the kind's palette label. */
export function stepTitle(node: GraphNode, catalog: EditorCatalog): string {
  return node.name?.trim() || catalog.get(node.type)?.palette.label || node.type;
}
