/**
 * The workspace dashboard: customers by dormancy stage (now by value tier, and per day over time) and the
 * reactivation rate per month over every journey's treatment runs against the industry band of 15–20% (DOMAIN S-ME-1).
 */
import { Download } from 'lucide-react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useJourneys } from '../../api/journeys';
import { useDormancyOverview, useResultsByDay } from '../../api/review';
import { DormancyHistoryChart } from '../audience/DormancyHistoryChart';
import { stageLabels } from '../audience/condition-tree';
import { downloadText, toCsv } from './csv';
import { formatCount, formatPercent, formatPoints, humanise } from './format';
import { resultsHref } from './routes';
import { BEST_IN_CLASS, INDUSTRY_BAND, monthlySeries, type MonthPoint } from './series';
import { readableTooltip } from '../../ui/chart';

const tierColors: Record<string, string> = {
  high: '#4f46e5',
  mid: '#0ea5e9',
  low: '#94a3b8',
  unscored: '#cbd5e1',
};

export function DashboardPage() {
  const journeys = useJourneys();
  const dormancy = useDormancyOverview();
  const live = (journeys.data ?? []).filter((j) => j.liveVersion);
  const perJourney = useResultsByDay(live.map((j) => j.id));
  const loaded = perJourney.flatMap((q) => (q.data ? [q.data] : []));
  const months = monthlySeries(loaded);
  const stages = dormancy.data?.stages ?? [];
  const tiers = dormancy.data?.tiers ?? [];
  const stageRows = stages.map((stage) => ({
    stage: stageLabels[stage] ?? humanise(stage),
    ...Object.fromEntries(
      tiers.map((tier) => [
        tier,
        dormancy.data!.cells.find((c) => c.stage === stage && c.tier === tier)?.customers ?? 0,
      ]),
    ),
  }));
  const rows = live.map((j) => {
    const r = loaded.find((x) => x.journeyId === j.id);
    return {
      id: j.id,
      name: j.name,
      entered: r?.overall.treatment.entered,
      rate: r?.overall.treatment.rate,
      lift: r?.overall.lift?.absoluteLift ?? null,
    };
  });

  return (
    <div className="wf-page wf-page-wide">
      <div className="wf-page-header">
        <div>
          <h1>Results</h1>
          <p className="muted">How the workspace wakes its dormant customers, across every live journey.</p>
        </div>
      </div>
      <div className="chart-grid">
        <section className="card">
          <div className="card-header">
            <h3>Customers by dormancy stage</h3>
            <button
              type="button"
              className="button"
              disabled={!stageRows.length}
              onClick={() =>
                downloadText(
                  'dormancy-stages.csv',
                  toCsv(dormancy.data?.cells ?? [], [
                    { header: 'stage', value: (c) => c.stage },
                    { header: 'tier', value: (c) => c.tier },
                    { header: 'customers', value: (c) => c.customers },
                  ]),
                )
              }
            >
              <Download size={14} /> CSV
            </button>
          </div>
          {dormancy.error ? <p className="muted">Not available: {dormancy.error.message}</p> : null}
          {stageRows.length ? (
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={stageRows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#eef0f4" vertical={false} />
                {/* interval 0: every stage is labelled; the default drops every other label when they are long. */}
                <XAxis dataKey="stage" tick={{ fontSize: 10 }} interval={0} />
                <YAxis tick={{ fontSize: 11 }} width={48} />
                <Tooltip {...readableTooltip} />
                <Legend itemSorter={(item) => tiers.indexOf(String(item.dataKey))} />
                {tiers.map((tier) => (
                  <Bar
                    key={tier}
                    dataKey={tier}
                    name={`${humanise(tier)} value`}
                    stackId="tier"
                    fill={tierColors[tier] ?? '#a5b4fc'}
                  />
                ))}
              </BarChart>
            </ResponsiveContainer>
          ) : null}
          <p className="muted small">
            Now{dormancy.data ? `, ${formatCount(dormancy.data.total)} customers` : ''}. The trend is in the
            chart below.
          </p>
        </section>
        <section className="card">
          <div className="card-header">
            <h3>Reactivation rate by month</h3>
            <button
              type="button"
              className="button"
              disabled={!months.length}
              onClick={() =>
                downloadText(
                  'reactivation-by-month.csv',
                  toCsv<MonthPoint>(months, [
                    { header: 'month', value: (m) => m.month },
                    { header: 'entered', value: (m) => m.entered },
                    { header: 'reactivated', value: (m) => m.converted },
                    { header: 'rate', value: (m) => m.rate },
                  ]),
                )
              }
            >
              <Download size={14} /> CSV
            </button>
          </div>
          {months.length ? (
            <ResponsiveContainer width="100%" height={260}>
              <LineChart data={months} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#eef0f4" vertical={false} />
                <XAxis dataKey="month" tick={{ fontSize: 11 }} />
                <YAxis
                  tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
                  tick={{ fontSize: 11 }}
                  width={44}
                  domain={[0, (max: number) => Math.max(0.4, max)]}
                />
                <ReferenceArea
                  y1={INDUSTRY_BAND[0]}
                  y2={INDUSTRY_BAND[1]}
                  fill="#e7f6ec"
                  fillOpacity={0.8}
                  label={{
                    value: 'industry 15–20%',
                    position: 'insideTopLeft',
                    fontSize: 10,
                    fill: '#15803d',
                  }}
                />
                <ReferenceLine
                  y={BEST_IN_CLASS}
                  stroke="#15803d"
                  strokeDasharray="3 3"
                  label={{ value: 'best 35%', position: 'insideTopRight', fontSize: 10, fill: '#15803d' }}
                />
                <Tooltip
                  {...readableTooltip}
                  formatter={(v) => formatPercent(typeof v === 'number' ? v : null)}
                />
                <Line
                  type="monotone"
                  dataKey="rate"
                  name="Reactivation rate"
                  stroke="#4f46e5"
                  strokeWidth={2}
                />
              </LineChart>
            </ResponsiveContainer>
          ) : (
            <p className="muted">No runs with a conversion yet.</p>
          )}
          <p className="muted small">Treatment runs of every live journey, by the month they entered.</p>
        </section>
      </div>
      <section className="card">
        <DormancyHistoryChart />
      </section>
      <section className="card">
        <div className="card-header">
          <h3>Journeys</h3>
          <button
            type="button"
            className="button"
            disabled={!rows.length}
            onClick={() =>
              downloadText(
                'journeys-results.csv',
                toCsv(rows, [
                  { header: 'journey', value: (r) => r.name },
                  { header: 'entered', value: (r) => r.entered },
                  { header: 'rate', value: (r) => r.rate },
                  { header: 'lift', value: (r) => r.lift },
                ]),
              )
            }
          >
            <Download size={14} /> CSV
          </button>
        </div>
        <table className="wf-table" data-testid="journey-results-table">
          <thead>
            <tr>
              <th>Journey</th>
              <th>Entered (treatment)</th>
              <th>Reactivation rate</th>
              <th>Lift over holdout</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={resultsHref(r.id)}>{r.name}</a>
                </td>
                <td>{formatCount(r.entered)}</td>
                <td>{formatPercent(r.rate)}</td>
                <td>{formatPoints(r.lift)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {journeys.data && !rows.length ? <div className="empty-state">No live journeys yet.</div> : null}
      </section>
    </div>
  );
}
