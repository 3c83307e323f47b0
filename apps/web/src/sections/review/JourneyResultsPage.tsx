/**
 * A journey's results (issue 8): reactivation over time and by arm against the holdout, cost per reactivation,
 * LTV uplift, and the experiment panel of each split; every table exports as CSV.
 */
import { Download, Trophy } from 'lucide-react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useJourney } from '../../api/journeys';
import {
  resultsUrl,
  useExperiments,
  useJourneyResults,
  type Experiment,
  type GroupFigures,
} from '../../api/review';
import { useVersions } from '../../api/versions';
import { JourneyPageTitle } from './JourneyPageTitle';
import { downloadText, toCsv, type CsvColumn } from './csv';
import {
  formatCount,
  formatInterval,
  formatMoney,
  formatPercent,
  formatPoints,
  formatPointsInterval,
  humanise,
} from './format';
import { resultsHref, runsHref } from './routes';
import { ExperimentSettingsForm } from './ExperimentSettingsForm';
import { armDayColumns, armDaySeries, armSeries, dailySeries, INDUSTRY_BAND, type ArmPoint } from './series';
import { readableTooltip } from '../../ui/chart';

/** Axis ticks: whole percents, with one decimal below 10% so small rates do not all read "1%". */
const pct = (v: number) => (v > 0 && v < 0.1 ? `${(v * 100).toFixed(1)}%` : `${Math.round(v * 100)}%`);
/** Rates start at 0 and show at least the industry band, so an empty journey does not draw a 0–400% axis. */
const rateDomain: [number, (dataMax: number) => number] = [
  0,
  (dataMax) => Math.min(1, Math.max(INDUSTRY_BAND[1] * 1.25, dataMax * 1.1)),
];
const ARM_COLOURS = ['#4f46e5', '#0ea5e9', '#f59e0b', '#10b981', '#ec4899', '#8b5cf6'];

function Kpi({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId?: string;
}) {
  return (
    <div className="kpi" data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {hint ? <div className="kpi-hint">{hint}</div> : null}
    </div>
  );
}

const armColumns: CsvColumn<ArmPoint>[] = [
  { header: 'arm', value: (a) => a.arm },
  { header: 'holdout', value: (a) => a.holdout },
  { header: 'entered', value: (a) => a.entered },
  { header: 'converted', value: (a) => a.converted },
  { header: 'rate', value: (a) => a.rate },
  { header: 'rate low', value: (a) => a.low },
  { header: 'rate high', value: (a) => a.high },
  { header: 'cost', value: (a) => a.cost },
  { header: 'cost per reactivation', value: (a) => a.costPerReactivation },
  { header: 'cost per incremental reactivation', value: (a) => a.costPerIncremental },
];

type ExperimentArm = Experiment['arms'][number];
const experimentColumns: CsvColumn<ExperimentArm>[] = [
  { header: 'arm', value: (a) => a.arm },
  { header: 'control', value: (a) => a.control },
  { header: 'holdout', value: (a) => a.holdout },
  { header: 'entered', value: (a) => a.entered },
  { header: 'converted', value: (a) => a.converted },
  { header: 'rate', value: (a) => a.rate },
  { header: 'rate low', value: (a) => a.rateInterval?.[0] },
  { header: 'rate high', value: (a) => a.rateInterval?.[1] },
  { header: 'chance to beat control', value: (a) => a.chanceToBeatControl },
];

function winnerText(e: Experiment): string {
  if (e.winnerArm) return `Winner: ${e.winnerArm}`;
  if (e.status === 'inconclusive') return 'Ended without a winner';
  return e.test.reason ?? `${humanise(e.test.state || e.status)}: no winner yet`;
}

function ExperimentPanel({
  journeyId,
  version,
  experiment,
  file,
}: {
  journeyId: string;
  version: number;
  experiment: Experiment;
  file: string;
}) {
  return (
    <section className="card" data-testid={`experiment-${experiment.splitStepId}`}>
      <div className="card-header">
        <h3>Experiment at {experiment.splitStepId}</h3>
        <span className={`status ${experiment.winnerArm ? 'status-live' : ''}`}>
          {experiment.winnerArm ? <Trophy size={12} /> : null} {winnerText(experiment)}
        </span>
        <button
          type="button"
          className="button"
          onClick={() => downloadText(file, toCsv(experiment.arms, experimentColumns))}
        >
          <Download size={14} /> CSV
        </button>
      </div>
      <table className="wf-table">
        <thead>
          <tr>
            <th>Arm</th>
            <th>Entered</th>
            <th>Reactivated</th>
            <th>Rate</th>
            <th>95% interval</th>
            <th>Chance to beat control</th>
          </tr>
        </thead>
        <tbody>
          {experiment.arms.map((a) => (
            <tr key={a.arm}>
              <td>
                <b>{a.arm}</b> {a.control ? <span className="tag">control</span> : null}
                {a.holdout ? <span className="tag tag-muted">holdout</span> : null}
                {experiment.winnerArm === a.arm ? <span className="tag tag-ok">winner</span> : null}
              </td>
              <td>{formatCount(a.entered)}</td>
              <td>{formatCount(a.converted)}</td>
              <td>{formatPercent(a.rate)}</td>
              <td className="muted">{formatInterval(a.rateInterval)}</td>
              <td>{a.control ? '—' : formatPercent(a.chanceToBeatControl, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ExperimentSettingsForm journeyId={journeyId} version={version} experiment={experiment} />
    </section>
  );
}

function figuresRow(label: string, f: GroupFigures | null | undefined) {
  return { label, f };
}

export function JourneyResultsPage({ journeyId, version }: { journeyId: string; version?: number }) {
  const journey = useJourney(journeyId);
  const versions = useVersions(journeyId);
  const byArm = useJourneyResults(journeyId, version, 'arm');
  const byDay = useJourneyResults(journeyId, version, 'day');
  const byDayArm = useJourneyResults(journeyId, version, 'day-arm');
  const experimentVersion = version ?? versions.data?.[0]?.version;
  const experiments = useExperiments(journeyId, experimentVersion);
  const results = byArm.data;
  const overall = results?.overall;
  const lift = overall?.lift;
  const days = byDay.data ? dailySeries(byDay.data) : [];
  const arms = results ? armSeries(results) : [];
  const treatmentArms = arms.filter((a) => !a.holdout);
  const armDays = byDayArm.data ? armDaySeries(byDayArm.data) : { series: [], rows: [], points: [] };
  const armChart = arms.map((a) => ({
    ...a,
    error: a.rate !== null && a.low !== null && a.high !== null ? [a.rate - a.low, a.high - a.rate] : [0, 0],
  }));
  const suffix = `${journeyId.slice(0, 8)}${version ? `-v${version}` : ''}`;
  const groups = [
    figuresRow('Treatment', overall?.treatment),
    figuresRow('Holdout', overall?.holdout),
    figuresRow('All', overall?.all),
  ].filter((g) => g.f);

  return (
    <div className="wf-page wf-page-wide">
      <div className="wf-page-header">
        <JourneyPageTitle journeyId={journeyId} name={journey.data?.name} page="results">
          Reactivated = converted within the journey's conversion window. Treatment is compared with the
          holdout, who got no messages.
          {results ? ` LTV over ${results.ltvWindowDays} days.` : ''}
        </JourneyPageTitle>
        <div className="toolbar-actions">
          <select
            aria-label="Version"
            value={version ?? ''}
            onChange={(e) =>
              (window.location.hash = resultsHref(
                journeyId,
                e.target.value ? Number(e.target.value) : undefined,
              ))
            }
          >
            <option value="">All versions</option>
            {(versions.data ?? []).map((v) => (
              <option key={v.version} value={v.version}>
                Version {v.version}
              </option>
            ))}
          </select>
          <a className="button" href={runsHref({ journeyId, ...(version ? { version } : {}) })}>
            Runs
          </a>
        </div>
      </div>
      {byArm.error ? (
        <div className="page-message error">Could not load results: {byArm.error.message}</div>
      ) : null}
      {!results && !byArm.error ? <div className="page-message">Loading…</div> : null}
      {results && !results.conversion ? (
        <div className="banner banner-error">
          This journey defines no conversion, so nothing counts as reactivated yet: set one in the journey's
          settings.
        </div>
      ) : null}
      {overall ? (
        <>
          <div className="kpis" data-testid="results-kpis">
            <Kpi
              label="Entered"
              value={formatCount(overall.all.entered)}
              hint={`${formatCount(overall.holdout?.entered ?? 0)} in the holdout`}
            />
            <Kpi
              label="Reactivation rate"
              value={formatPercent(overall.treatment.rate)}
              hint={
                overall.treatment.rateInterval
                  ? `95%: ${formatInterval(overall.treatment.rateInterval)}`
                  : undefined
              }
              testId="kpi-rate"
            />
            <Kpi label="Holdout rate" value={formatPercent(overall.holdout?.rate)} hint="no messages" />
            <Kpi
              label="Lift"
              value={lift?.absoluteLift === null || !lift ? '—' : formatPoints(lift.absoluteLift)}
              hint={
                lift?.absoluteLiftInterval
                  ? `95%: ${formatPointsInterval(lift.absoluteLiftInterval)}`
                  : undefined
              }
            />
            <Kpi
              label="Cost per reactivation"
              value={formatMoney(overall.treatment.costPerReactivation)}
              hint={
                lift?.costPerIncrementalReactivation !== undefined &&
                lift?.costPerIncrementalReactivation !== null
                  ? `${formatMoney(lift.costPerIncrementalReactivation)} per incremental`
                  : undefined
              }
              testId="kpi-cost"
            />
            <Kpi
              label="LTV uplift"
              value={formatMoney(overall.treatment.ltv.upliftPerReactivated)}
              hint="per reactivated customer"
            />
          </div>
          <div className="chart-grid">
            <section className="card">
              <div className="card-header">
                <h3>Reactivation by entry day</h3>
                <a
                  className="button"
                  href={resultsUrl(journeyId, {
                    groupBy: 'day',
                    format: 'csv',
                    ...(version ? { version } : {}),
                  })}
                  download={`results-${suffix}-by-day.csv`}
                >
                  <Download size={14} /> CSV
                </a>
              </div>
              {days.length ? (
                <ResponsiveContainer width="100%" height={260}>
                  <LineChart data={days} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="#eef0f4" vertical={false} />
                    <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                    <YAxis tickFormatter={pct} domain={rateDomain} tick={{ fontSize: 11 }} width={44} />
                    <ReferenceArea
                      y1={INDUSTRY_BAND[0]}
                      y2={INDUSTRY_BAND[1]}
                      fill="#e7f6ec"
                      fillOpacity={0.7}
                      label={{
                        value: 'industry 15–20%',
                        position: 'insideTopLeft',
                        fontSize: 10,
                        fill: '#15803d',
                      }}
                    />
                    <Tooltip
                      {...readableTooltip}
                      formatter={(v) => formatPercent(typeof v === 'number' ? v : null)}
                    />
                    <Legend />
                    <Line
                      type="monotone"
                      dataKey="treatment"
                      name="Treatment"
                      stroke="#4f46e5"
                      strokeWidth={2}
                      dot={false}
                      connectNulls
                    />
                    <Line
                      type="monotone"
                      dataKey="holdout"
                      name="Holdout"
                      stroke="#94a3b8"
                      strokeWidth={2}
                      strokeDasharray="4 4"
                      dot={false}
                      connectNulls
                    />
                  </LineChart>
                </ResponsiveContainer>
              ) : (
                <p className="muted">No runs yet.</p>
              )}
            </section>
            <section className="card">
              <div className="card-header">
                <h3>Rate by arm, with 95% intervals</h3>
                <button
                  type="button"
                  className="button"
                  disabled={!arms.length}
                  onClick={() => downloadText(`results-${suffix}-by-arm.csv`, toCsv(arms, armColumns))}
                >
                  <Download size={14} /> CSV
                </button>
              </div>
              {arms.length ? (
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={armChart} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="#eef0f4" vertical={false} />
                    <XAxis dataKey="arm" tick={{ fontSize: 11 }} />
                    <YAxis tickFormatter={pct} domain={rateDomain} tick={{ fontSize: 11 }} width={44} />
                    <Tooltip
                      {...readableTooltip}
                      formatter={(v) => (typeof v === 'number' ? formatPercent(v) : String(v))}
                    />
                    <Bar dataKey="rate" name="Reactivation rate" fill="#4f46e5" radius={[4, 4, 0, 0]}>
                      <ErrorBar dataKey="error" width={6} stroke="#1f2733" />
                    </Bar>
                  </BarChart>
                </ResponsiveContainer>
              ) : (
                <p className="muted">No runs yet.</p>
              )}
            </section>
            <section className="card" data-testid="arm-days-chart">
              <div className="card-header">
                <h3>Reactivation to date by arm</h3>
                <button
                  type="button"
                  className="button"
                  disabled={!armDays.points.length}
                  onClick={() =>
                    downloadText(`results-${suffix}-by-day-arm.csv`, toCsv(armDays.points, armDayColumns))
                  }
                >
                  <Download size={14} /> CSV
                </button>
              </div>
              {armDays.rows.length ? (
                <>
                  <ResponsiveContainer width="100%" height={260}>
                    <LineChart data={armDays.rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                      <CartesianGrid stroke="#eef0f4" vertical={false} />
                      <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                      <YAxis tickFormatter={pct} domain={rateDomain} tick={{ fontSize: 11 }} width={44} />
                      <Tooltip
                        {...readableTooltip}
                        formatter={(v) => formatPercent(typeof v === 'number' ? v : null)}
                      />
                      <Legend
                        itemSorter={(item) => armDays.series.findIndex((x) => x.key === item.dataKey)}
                      />
                      {armDays.series.map((s, i) =>
                        s.holdout ? (
                          <Line
                            key={s.key}
                            type="monotone"
                            dataKey={s.key}
                            name={s.label}
                            stroke="#94a3b8"
                            strokeWidth={2}
                            strokeDasharray="4 4"
                            dot={false}
                          />
                        ) : (
                          <Line
                            key={s.key}
                            type="monotone"
                            dataKey={s.key}
                            name={s.label}
                            stroke={ARM_COLOURS[i % ARM_COLOURS.length]}
                            strokeWidth={2}
                            dot={false}
                          />
                        ),
                      )}
                    </LineChart>
                  </ResponsiveContainer>
                  <p className="muted small">
                    Cumulative: each day's rate is of everyone who entered up to that day, converted so far.
                    Recent entrants' windows may still be open.
                  </p>
                </>
              ) : (
                <p className="muted">No runs yet.</p>
              )}
            </section>
            <section className="card" data-testid="cost-chart">
              <div className="card-header">
                <h3>Cost per reactivation by arm</h3>
                <button
                  type="button"
                  className="button"
                  disabled={!treatmentArms.length}
                  onClick={() =>
                    downloadText(`results-${suffix}-cost-by-arm.csv`, toCsv(treatmentArms, armColumns))
                  }
                >
                  <Download size={14} /> CSV
                </button>
              </div>
              {treatmentArms.length ? (
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={treatmentArms} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="#eef0f4" vertical={false} />
                    <XAxis dataKey="arm" tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} width={52} />
                    <Tooltip
                      {...readableTooltip}
                      formatter={(v) => formatMoney(typeof v === 'number' ? v : null)}
                    />
                    <Legend />
                    <Bar
                      dataKey="costPerReactivation"
                      name="Per reactivation"
                      fill="#4f46e5"
                      radius={[4, 4, 0, 0]}
                    />
                    <Bar
                      dataKey="costPerIncremental"
                      name="Per incremental reactivation (vs holdout)"
                      fill="#f59e0b"
                      radius={[4, 4, 0, 0]}
                    />
                  </BarChart>
                </ResponsiveContainer>
              ) : (
                <p className="muted">No runs yet.</p>
              )}
              <p className="muted small">
                Messages at each provider's unit cost plus coupons redeemed, divided by reactivations; an
                empty bar has none yet.
              </p>
            </section>
            <section className="card">
              <div className="card-header">
                <h3>Value before and after waking</h3>
              </div>
              <ResponsiveContainer width="100%" height={220}>
                <BarChart
                  data={[
                    { name: 'Before dormancy', value: overall.treatment.ltv.spendBeforePerReactivated ?? 0 },
                    { name: 'After waking', value: overall.treatment.ltv.spendAfterPerReactivated ?? 0 },
                  ]}
                  margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
                >
                  <CartesianGrid stroke="#eef0f4" vertical={false} />
                  <XAxis dataKey="name" tick={{ fontSize: 11 }} />
                  <YAxis tick={{ fontSize: 11 }} width={52} />
                  <Tooltip
                    {...readableTooltip}
                    formatter={(v) => formatMoney(typeof v === 'number' ? v : null)}
                  />
                  <Bar
                    dataKey="value"
                    name="Spend per reactivated customer"
                    fill="#0ea5e9"
                    radius={[4, 4, 0, 0]}
                  />
                </BarChart>
              </ResponsiveContainer>
              <p className="muted small">
                Spend after entry per entrant, treatment − holdout:{' '}
                {formatMoney(lift?.spendAfterEntryDifference)}
                {lift?.spendAfterEntryDifferenceInterval
                  ? ` (95%: ${formatMoney(lift.spendAfterEntryDifferenceInterval[0])} to ${formatMoney(lift.spendAfterEntryDifferenceInterval[1])})`
                  : ''}
              </p>
            </section>
            <section className="card card-wide">
              <div className="card-header">
                <h3>Figures</h3>
                <a
                  className="button"
                  href={resultsUrl(journeyId, {
                    groupBy: 'arm',
                    format: 'csv',
                    ...(version ? { version } : {}),
                  })}
                  download={`results-${suffix}-by-arm-figures.csv`}
                >
                  <Download size={14} /> CSV
                </a>
              </div>
              <table className="wf-table" data-testid="figures-table">
                <thead>
                  <tr>
                    <th />
                    <th>Entered</th>
                    <th>Messaged</th>
                    <th>Reactivated</th>
                    <th>Rate</th>
                    <th>Cost</th>
                    <th>Per reactivation</th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map(({ label, f }) => (
                    <tr key={label}>
                      <td>
                        <b>{label}</b>
                      </td>
                      <td>{formatCount(f!.entered)}</td>
                      <td>{formatCount(f!.messaged)}</td>
                      <td>{formatCount(f!.converted)}</td>
                      <td>{formatPercent(f!.rate)}</td>
                      <td>{formatMoney(f!.cost.total)}</td>
                      <td>{formatMoney(f!.costPerReactivation)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <h2 className="section-title">
            Experiments{experimentVersion ? ` in version ${experimentVersion}` : ''}
          </h2>
          {experimentVersion !== undefined && experiments.data?.length ? (
            experiments.data.map((e) => (
              <ExperimentPanel
                key={e.splitStepId}
                journeyId={journeyId}
                version={experimentVersion}
                experiment={e}
                file={`experiment-${suffix}-${e.splitStepId}.csv`}
              />
            ))
          ) : (
            <p className="muted">
              {experiments.error
                ? `Could not load experiments: ${experiments.error.message}`
                : 'No split steps in this version, so no experiments.'}
            </p>
          )}
        </>
      ) : null}
    </div>
  );
}
