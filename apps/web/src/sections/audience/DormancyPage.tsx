/**
 * The dormancy overview (DOMAIN S-ID-3/4): customers per dormancy stage, stacked by value tier, as a chart and as
 * the table behind it, and the stages' daily history.
 */
import { Download } from 'lucide-react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useDormancyOverview, useRecomputeRfm, type DormancyOverview } from '../../api/audience';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { formatDateTime } from '../../ui/format';
import { DormancyHistoryChart } from './DormancyHistoryChart';
import { stageLabels, tierLabels } from './condition-tree';
import { audienceTabs } from './routes';
import { downloadText, toCsv } from '../review/csv';
import { readableTooltip } from '../../ui/chart';

const tierColors: Record<string, string> = {
  high: '#4f46e5',
  mid: '#818cf8',
  low: '#c7d2fe',
  unscored: '#d5dae1',
};

/** One row per stage with a column per tier: the shape a stacked bar chart reads. */
export function dormancyRows(overview: DormancyOverview): Record<string, string | number>[] {
  return overview.stages.map((stage) => {
    const row: Record<string, string | number> = { stage, label: stageLabels[stage] ?? stage, total: 0 };
    for (const tier of overview.tiers) {
      const n = overview.cells.find((c) => c.stage === stage && c.tier === tier)?.customers ?? 0;
      row[tier] = n;
      row.total = (row.total as number) + n;
    }
    return row;
  });
}

/** The table as CSV: stage key, one column per tier key, total (keys, like the other exports). */
export function dormancyCsv(overview: DormancyOverview): string {
  return toCsv(dormancyRows(overview), [
    { header: 'stage', value: (r) => r.stage },
    ...overview.tiers.map((tier) => ({
      header: tier,
      value: (r: Record<string, string | number>) => r[tier],
    })),
    { header: 'total', value: (r) => r.total },
  ]);
}

export function DormancyPage() {
  const overview = useDormancyOverview();
  const recompute = useRecomputeRfm();
  const data = overview.data;
  return (
    <SectionPage
      title="Audience"
      tabs={audienceTabs({ page: 'dormancy' })}
      actions={
        <button
          type="button"
          className="button"
          disabled={recompute.isPending}
          onClick={() => recompute.mutate()}
        >
          {recompute.isPending ? 'Scoring…' : 'Recompute value tiers'}
        </button>
      }
    >
      <ErrorText error={overview.error} what="load the dormancy overview" />
      <ErrorText error={recompute.error} what="recompute RFM" />
      {data && data.total === 0 ? (
        <div className="empty-state">
          No customers yet: the overview fills in as customers and their events arrive.
        </div>
      ) : null}
      {data && data.total > 0 ? <DormancyOverviewView data={data} /> : null}
      {data && data.total > 0 ? (
        <div className="aud-card aud-chart-card">
          <DormancyHistoryChart title="Stages over time" headClassName="chart-head" />
        </div>
      ) : null}
    </SectionPage>
  );
}

export function DormancyOverviewView({ data }: { data: DormancyOverview }) {
  const rows = dormancyRows(data);
  const [a, b, c, d] = data.stageBoundariesDays;
  return (
    <>
      <div className="aud-card aud-chart-card">
        <div className="chart-head">
          <h3>Customers by dormancy stage and value tier</h3>
          <span className="muted small">
            {data.total.toLocaleString()} customers · as of {formatDateTime(data.at)}
          </span>
          <button
            type="button"
            className="button"
            onClick={() => downloadText(`dormancy-${data.at.slice(0, 10)}.csv`, dormancyCsv(data))}
          >
            <Download size={14} /> CSV
          </button>
        </div>
        <div className="chart" data-testid="dormancy-chart" style={{ width: '100%', height: 320 }}>
          <ResponsiveContainer width="100%" height="100%" minWidth={300}>
            <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6eb" />
              <XAxis dataKey="label" tick={{ fontSize: 12 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
              <Tooltip {...readableTooltip} />
              <Legend
                itemSorter={null}
                formatter={(value: string) => (
                  <span className="legend-label">{tierLabels[value] ?? value}</span>
                )}
              />
              {data.tiers.map((tier) => (
                <Bar
                  key={tier}
                  dataKey={tier}
                  name={tier}
                  stackId="tier"
                  fill={tierColors[tier] ?? '#999'}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
        {a !== undefined && b !== undefined && c !== undefined && d !== undefined ? (
          <p className="muted small">
            Stages by days since last activity: active under {a}, 1–3 months {a}–{b}, 3–6 months {b}–{c}, 6–12
            months {c}–{d}, 12+ months from {d}.
          </p>
        ) : null}
      </div>
      <table className="data-table" aria-label="Customers by stage and tier">
        <thead>
          <tr>
            <th>Stage</th>
            {data.tiers.map((t) => (
              <th key={t} className="num">
                {tierLabels[t] ?? t}
              </th>
            ))}
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.stage)}>
              <td>{r.label}</td>
              {data.tiers.map((t) => (
                <td key={t} className="num">
                  {Number(r[t]).toLocaleString()}
                </td>
              ))}
              <td className="num">
                <b>{Number(r.total).toLocaleString()}</b>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
