/** `branch` (Condition): yes/no on the customer's profile, tags, segments or recent events, judged by the worker. */
import { z } from 'zod';
import { conditionSchema, formatDuration, type Condition } from '@wakeflow/journey';
import { defineNode } from '../define-node';

function describeCondition(c: Condition): string {
  switch (c.kind) {
    case 'trait':
      return `${c.field} ${c.op}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`}`;
    case 'event': {
      const when =
        c.window.type === 'last'
          ? ` in the last ${formatDuration(c.window.duration)}`
          : c.window.type === 'since_entry'
            ? ' since entry'
            : '';
      const did =
        c.count.op === 'eq' && c.count.value === 0
          ? 'did not do'
          : c.count.op === 'gte' && c.count.value === 1
            ? 'did'
            : `did (${c.count.op} ${c.count.value})`;
      return `${did} ${c.event}${when}`;
    }
    case 'tag':
      return `${c.has ? 'has' : 'does not have'} tag ${c.tag}`;
    case 'segment':
      return `${c.member ? 'in' : 'not in'} segment ${c.segmentId}`;
    case 'and':
    case 'or':
      return c.conditions.map(describeCondition).join(` ${c.kind} `);
    case 'not':
      return `not (${describeCondition(c.condition)})`;
  }
}

function segmentIdsOf(condition: Condition): string[] {
  if (condition.kind === 'and' || condition.kind === 'or') return condition.conditions.flatMap(segmentIdsOf);
  if (condition.kind === 'not') return segmentIdsOf(condition.condition);
  return condition.kind === 'segment' ? [condition.segmentId] : [];
}

export const branch = defineNode({
  type: 'branch',
  version: 1,
  config: z.object({ condition: conditionSchema }),
  palette: {
    label: 'Condition',
    description: 'Yes/no on profile, tags, segments or recent events',
    icon: 'branch',
    category: 'flow',
    color: '#d97706',
  },
  starter: () => ({
    condition: { kind: 'event', event: '', window: { type: 'since_entry' }, count: { op: 'gte', value: 1 } },
  }),
  outcomes: ['yes', 'no'],
  outcomeLabel: (outcome) => (outcome === 'yes' ? 'Yes' : outcome === 'no' ? 'No' : undefined),
  describe: (c) => `If ${describeCondition(c.condition)}`,
  references: (c) => ({ segmentIds: segmentIdsOf(c.condition) }),
  activity: {
    startToCloseMs: 30_000,
    async run(input, { conditions }) {
      const matches = await conditions.matches({
        workspaceId: input.workspaceId,
        customerId: input.customerId,
        condition: input.config.condition,
        enteredAt: input.context.enteredAt,
        now: input.at,
      });
      return { outcome: matches ? 'yes' : 'no' };
    },
  },
});
