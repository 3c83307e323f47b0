/**
 * Customers per dormancy stage over time: a stacked area per stage from the daily snapshots, a range and a tier
 * filter, and a CSV export of exactly the rows charted. Used on the dashboard and the dormancy overview.
 */
import { useState } from 'react';
import { Download } from 'lucide-react';
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useDormancyHistory } from '../../api/audience';
import { downloadText, toCsv } from '../review/csv';
import { stageLabels, tierLabels } from './condition-tree';
import { axisDayLabel, axisDays, dormancyHistoryRows, historyCsvColumns, lastDays } from './dormancy-history';
import { readableTooltip } from '../../ui/chart';

const stageColors: Record<string, string> = {
  active: '#16a34a',
  dormant_1_3m: '#facc15',
  dormant_3_6m: '#fb923c',
  dormant_6_12m: '#ef4444',
  dormant_12m_plus: '#7f1d1d',
  never_active: '#cbd5e1',
};

const ranges = [30, 90, 365, 730] as const;
const tiers = ['', 'high', 'mid', 'low', 'unscored'] as const;

export function DormancyHistoryChart({
  title = 'Customers by dormancy stage over time',
  headClassName = 'card-header',
}: {
  title?: string;
  headClassName?: string;
}) {
  const [days, setDays] = useState<number>(365);
  const [tier, setTier] = useState<string>('');
  const range = lastDays(days);
  const history = useDormancyHistory({ ...range, tier });
  const data = history.data;
  const rows = data ? dormancyHistoryRows(data, tier) : [];
  const stages = data?.stages ?? [];
  const chartDays = rows.map((r) => r.day);
  const spansYears = (chartDays[0] ?? '').slice(0, 4) !== (chartDays.at(-1) ?? '').slice(0, 4);

  return (
    <div data-testid="dormancy-history">
      <div className={headClassName}>
        <h3>{title}</h3>
        <div className="toolbar-actions">
          <select aria-label="Range" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {ranges.map((n) => (
              <option key={n} value={n}>
                Last {n} days
              </option>
            ))}
          </select>
          <select aria-label="Value tier" value={tier} onChange={(e) => setTier(e.target.value)}>
            {tiers.map((t) => (
              <option key={t} value={t}>
                {t ? (tierLabels[t] ?? t) : 'All tiers'}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button"
            disabled={!rows.length}
            onClick={() =>
              downloadText(
                `dormancy-history-${range.from}-${range.to}${tier ? `-${tier}` : ''}.csv`,
                toCsv(rows, historyCsvColumns(stages)),
              )
            }
          >
            <Download size={14} /> CSV
          </button>
        </div>
      </div>
      {history.error ? <p className="muted">Not available: {history.error.message}</p> : null}
      {rows.length ? (
        <ResponsiveContainer width="100%" height={260} minWidth={300}>
          <AreaChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#eef0f4" vertical={false} />
            <XAxis
              dataKey="day"
              tick={{ fontSize: 11 }}
              ticks={axisDays(chartDays)}
              interval={0}
              tickFormatter={(day: string) => axisDayLabel(day, spansYears)}
            />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={48} />
            <Tooltip {...readableTooltip} />
            {/* In stage order, like the stack; recharts sorts legend items by label otherwise. */}
            <Legend itemSorter={(item) => stages.indexOf(String(item.dataKey))} />
            {stages.map((stage) => (
              <Area
                key={stage}
                type="monotone"
                dataKey={stage}
                name={stageLabels[stage] ?? stage}
                stackId="stage"
                stroke={stageColors[stage] ?? '#94a3b8'}
                fill={stageColors[stage] ?? '#94a3b8'}
                fillOpacity={0.75}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      ) : data ? (
        <p className="muted">No snapshots in this range yet: one is taken every day.</p>
      ) : null}
      <p className="muted small">
        One snapshot per UTC day, taken by the daily maintenance; each customer counts once, in their stage
        that day.
      </p>
    </div>
  );
}
