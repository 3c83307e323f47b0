/**
 * Journey templates of the audience area. Membership tiers move by rule (DOMAIN S-AU-4): three active months in
 * a row → upgrade to silver with an exclusive discount; two inactive months in a row → back to standard.
 * "Month" is a 30-day period counted back from the sweep (facts `activeMonthsInRow` / `inactiveMonthsInRow`).
 * The audience is everybody whose tier is due to change; the journey moves them, which takes them out of the
 * audience, and re-entry `always` lets them in again the next time they qualify.
 *
 * Shaped like `JourneyTemplate` of @wakeflow/nodes (structurally, so this package does not depend on it).
 */
import type { Condition, JourneyGraphInput, JourneySettingsInput } from '@wakeflow/journey';

const isSilver: Condition = { kind: 'trait', field: 'traits.membershipTier', op: 'eq', value: 'silver' };
const upgradeDue: Condition = {
  kind: 'and',
  conditions: [
    { kind: 'trait', field: 'facts.activeMonthsInRow', op: 'gte', value: 3 },
    { kind: 'not', condition: isSilver },
  ],
};
const downgradeDue: Condition = {
  kind: 'and',
  conditions: [{ kind: 'trait', field: 'facts.inactiveMonthsInRow', op: 'gte', value: 2 }, isSilver],
};

/** Segments the template needs; create them in the workspace before publishing the journey. */
export const membershipTierSegments: readonly { id: string; name: string; definition: Condition }[] = [
  { id: 'tier-upgrade-due', name: 'Tier upgrade due: 3 active months in a row', definition: upgradeDue },
  {
    id: 'tier-downgrade-due',
    name: 'Tier downgrade due: 2 inactive months in a row',
    definition: downgradeDue,
  },
  {
    id: 'tier-change-due',
    name: 'Membership tier change due',
    definition: {
      kind: 'or',
      conditions: [
        { kind: 'segment', segmentId: 'tier-upgrade-due', member: true },
        { kind: 'segment', segmentId: 'tier-downgrade-due', member: true },
      ],
    },
  },
];

export const membershipTierTemplate: {
  id: string;
  name: string;
  description: string;
  graph: JourneyGraphInput;
  settings: JourneySettingsInput;
  requires: { segments: string[]; templates: string[] };
} = {
  id: 'membership-tiers',
  name: 'Membership tiers: upgrade after 3 active months, downgrade after 2 inactive',
  description:
    'Checks daily who is due a tier change. Three active months in a row: silver tier, a tag and an exclusive-discount email. Two inactive months in a row: back to standard with a we-miss-you email.',
  settings: { reentry: { mode: 'always' } },
  requires: {
    segments: membershipTierSegments.map((s) => s.id),
    templates: ['tier-upgrade-email', 'tier-downgrade-email'],
  },
  graph: {
    nodes: [
      {
        id: 'trigger',
        type: 'audience_trigger',
        config: { segmentId: 'tier-change-due', everyMinutes: 1440 },
      },
      {
        id: 'upgrade_due',
        type: 'branch',
        name: 'Upgrade due?',
        config: { condition: { kind: 'segment', segmentId: 'tier-upgrade-due', member: true } },
      },
      {
        id: 'make_silver',
        type: 'update_customer',
        name: 'Upgrade to silver',
        config: { setTraits: { membershipTier: 'silver' }, addTags: ['tier-silver'], removeTags: [] },
      },
      {
        id: 'upgrade_email',
        type: 'send',
        name: 'Exclusive discount',
        config: { channel: 'email', templateId: 'tier-upgrade-email' },
      },
      { id: 'upgraded', type: 'exit', config: { outcome: 'upgraded' } },
      {
        id: 'downgrade_due',
        type: 'branch',
        name: 'Downgrade due?',
        config: { condition: { kind: 'segment', segmentId: 'tier-downgrade-due', member: true } },
      },
      {
        id: 'make_standard',
        type: 'update_customer',
        name: 'Back to standard',
        config: { setTraits: { membershipTier: 'standard' }, addTags: [], removeTags: ['tier-silver'] },
      },
      {
        id: 'downgrade_email',
        type: 'send',
        name: 'We miss you',
        config: { channel: 'email', templateId: 'tier-downgrade-email' },
      },
      { id: 'downgraded', type: 'exit', config: { outcome: 'downgraded' } },
      { id: 'unchanged', type: 'exit', config: { outcome: 'unchanged' } },
    ],
    edges: [
      { source: 'trigger', outcome: 'next', target: 'upgrade_due' },
      { source: 'upgrade_due', outcome: 'yes', target: 'make_silver' },
      { source: 'make_silver', outcome: 'next', target: 'upgrade_email' },
      { source: 'upgrade_email', outcome: 'next', target: 'upgraded' },
      { source: 'upgrade_due', outcome: 'no', target: 'downgrade_due' },
      { source: 'downgrade_due', outcome: 'yes', target: 'make_standard' },
      { source: 'make_standard', outcome: 'next', target: 'downgrade_email' },
      { source: 'downgrade_email', outcome: 'next', target: 'downgraded' },
      { source: 'downgrade_due', outcome: 'no', target: 'unchanged' },
    ],
  },
};
