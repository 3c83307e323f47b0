/** CSV export of results: one line per group (or node), the same figures as the JSON, flat columns. */
import { csvLines, type CsvValue } from '@wakeflow/journey';
import type { GroupFigures, LiftFigures } from './figures';
import type { JourneyResults } from './load';

/** Fractions to 10 significant digits without trailing zeros; quoting and neutralising are the shared writer's. */
function formatted(v: CsvValue): CsvValue {
  return typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(10).replace(/\.?0+$/, '') : v;
}

const figureColumns = [
  'entered',
  'messaged',
  'messages_sent',
  'converted',
  'rate',
  'rate_low',
  'rate_high',
  'cost_messages',
  'cost_coupons',
  'cost_total',
  'cost_per_reactivation',
  'conversion_value',
  'spend_before_per_reactivated',
  'spend_after_per_reactivated',
  'ltv_uplift_per_reactivated',
  'spend_after_entry_per_entrant',
  'holdout_entered',
  'holdout_converted',
  'holdout_rate',
  'absolute_lift',
  'absolute_lift_low',
  'absolute_lift_high',
  'relative_lift',
  'relative_lift_low',
  'relative_lift_high',
  'incremental_reactivations',
  'cost_per_incremental_reactivation',
  'spend_after_entry_difference',
  'spend_after_entry_difference_low',
  'spend_after_entry_difference_high',
];

function figureCells(f: GroupFigures, l: LiftFigures | null): CsvValue[] {
  return [
    f.entered,
    f.messaged,
    f.messagesSent,
    f.converted,
    f.rate,
    f.rateInterval?.[0],
    f.rateInterval?.[1],
    f.cost.messages,
    f.cost.coupons,
    f.cost.total,
    f.costPerReactivation,
    f.conversionValue,
    f.ltv.spendBeforePerReactivated,
    f.ltv.spendAfterPerReactivated,
    f.ltv.upliftPerReactivated,
    f.ltv.spendAfterEntryPerEntrant,
    l?.holdout.entered,
    l?.holdout.converted,
    l?.holdout.rate,
    l?.absoluteLift,
    l?.absoluteLiftInterval?.[0],
    l?.absoluteLiftInterval?.[1],
    l?.relativeLift,
    l?.relativeLiftInterval?.[0],
    l?.relativeLiftInterval?.[1],
    l?.incrementalReactivations,
    l?.costPerIncrementalReactivation,
    l?.spendAfterEntryDifference,
    l?.spendAfterEntryDifferenceInterval?.[0],
    l?.spendAfterEntryDifferenceInterval?.[1],
  ];
}

export function resultsToCsv(results: JourneyResults): string {
  const lines: CsvValue[][] = [];
  if (results.groupBy === 'node') {
    lines.push(['node_id', 'reached', 'left', 'at_node', 'messages_sent', 'cost', 'converted']);
    for (const n of results.nodes ?? [])
      lines.push([n.nodeId, n.reached, n.left, n.atNode, n.messagesSent, n.cost, n.converted]);
  } else {
    lines.push(['group', 'day', 'arm', 'holdout', ...figureColumns]);
    lines.push(['total', '', '', '', ...figureCells(results.overall.all, results.overall.lift)]);
    for (const g of results.groups)
      lines.push([g.key, g.day, g.arm, g.holdout, ...figureCells(g.figures, g.lift)]);
  }
  return csvLines(lines.map((line) => line.map(formatted)));
}
