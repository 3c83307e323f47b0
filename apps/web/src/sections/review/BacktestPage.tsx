/**
 * A journey's backtest (docs/backtest.md): the published journey run over a past window of the event log — entries
 * per day, the share down each path, messages and cost, and the natural return within each wait by dormancy stage
 * and value tier. Opens on the last 180 days, so a workspace with history (the demo's CDNOW customers) sees a report
 * without choosing anything; the CSV is the contract's (`backtestReportCsv`), the same file as `pnpm backtest`.
 */
import { useState } from 'react';
import { Download } from 'lucide-react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { backtestReportCsv, type BacktestReport } from '@wakeflow/contracts';
import { useBacktest } from '../../api/backtests';
import { useJourney } from '../../api/journeys';
import { JourneyPageTitle } from './JourneyPageTitle';
import { readableTooltip } from '../../ui/chart';
import { downloadText } from './csv';
import { formatCount, formatMoney, formatPercent, humanise } from './format';
import { resultsHref } from './routes';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pct = (v: number) => `${Math.round(v * 100)}%`;

/** The default window: the 180 days up to yesterday (UTC). */
export function defaultBacktestWindow(nowMs = Date.now()): { from: string; to: string } {
  return { from: isoDay(nowMs - 180 * DAY_MS), to: isoDay(nowMs - DAY_MS) };
}

function ReturnChart({
  title,
  groups,
}: {
  title: string;
  groups: BacktestReport['naturalReturn'][number]['byValueTier'];
}) {
  const data = groups.map((g) => ({ key: humanise(g.key), rate: g.rate ?? 0, reached: g.reached }));
  return (
    <div className="chart-block">
      <h4>{title}</h4>
      <ResponsiveContainer width="100%" height={180}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="key" />
          <YAxis tickFormatter={pct} domain={[0, (max: number) => Math.min(1, Math.max(0.05, max * 1.2))]} />
          <Tooltip {...readableTooltip} formatter={(v) => formatPercent(Number(v))} />
          <Bar dataKey="rate" name="Came back" fill="#0ea5e9" />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function Report({ report }: { report: BacktestReport }) {
  return (
    <>
      <div className="kpis" data-testid="backtest-kpis">
        <div className="kpi">
          <div className="kpi-label">Entries</div>
          <div className="kpi-value" data-testid="backtest-entries">
            {formatCount(report.entries.total)}
          </div>
          <div className="kpi-hint">
            {formatCount(report.entries.customers)} customers, {formatCount(report.entries.holdout)} in the
            holdout
          </div>
        </div>
        {report.messages.map((m) => (
          <div className="kpi" key={m.channel}>
            <div className="kpi-label">{humanise(m.channel)} messages</div>
            <div className="kpi-value">{formatCount(m.sent)}</div>
            <div className="kpi-hint">
              {formatCount(m.skipped)} skipped by rules, {formatCount(m.heldOut)} held out
            </div>
          </div>
        ))}
        <div className="kpi">
          <div className="kpi-label">Cost</div>
          <div className="kpi-value">{formatMoney(report.cost.total)}</div>
          <div className="kpi-hint">at the channels' unit costs</div>
        </div>
      </div>

      <section className="card">
        <div className="card-header">
          <h3>Entries per day</h3>
        </div>
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={report.entries.byDay}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" minTickGap={24} />
            <YAxis allowDecimals={false} />
            <Tooltip {...readableTooltip} />
            <Bar dataKey="entered" name="Entered" fill="#4f46e5" />
          </BarChart>
        </ResponsiveContainer>
      </section>

      {report.naturalReturn.map((w) => (
        <section className="card" key={w.stepId} data-testid={`natural-return-${w.stepId}`}>
          <div className="card-header">
            <h3>
              Natural return during “{w.name}”: {formatPercent(w.rate)}
            </h3>
            <span className="muted">
              {formatCount(w.returned)} of {formatCount(w.reached)} came back before the wait timed out, with
              no message having an effect: what the holdout would show.
            </span>
          </div>
          <div className="chart-row">
            <ReturnChart title="By dormancy stage at entry" groups={w.byDormancyStage} />
            <ReturnChart title="By value tier (today's)" groups={w.byValueTier} />
          </div>
        </section>
      ))}

      <section className="card">
        <div className="card-header">
          <h3>Down each path</h3>
        </div>
        <table className="table" data-testid="backtest-steps">
          <thead>
            <tr>
              <th>Step</th>
              <th>Runs</th>
              <th>Share of entries</th>
            </tr>
          </thead>
          <tbody>
            {report.steps.map((s) => (
              <tr key={s.stepId}>
                <td>{s.name}</td>
                <td>{formatCount(s.runs)}</td>
                <td>{formatPercent(s.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Outcomes: {report.outcomes.map((o) => `${humanise(o.outcome)} ${formatCount(o.runs)}`).join(', ')}
          {report.runs.open ? `; ${formatCount(report.runs.open)} still going at the end of the log` : ''}.
        </p>
      </section>

      <section className="card">
        <div className="card-header">
          <h3>What a backtest cannot tell</h3>
        </div>
        <ul className="muted">
          <li>
            No treatment effect: customers did what they really did; every return counted is a natural one.
          </li>
          <li>Read at today's value (no history kept): {report.notes.fieldsWithoutHistory.join(', ')}.</li>
          <li>{report.notes.rules}</li>
          {report.notes.defaultedSteps.length ? (
            <li>Not run, first path taken: {report.notes.defaultedSteps.join(', ')}.</li>
          ) : null}
          <li>
            The trigger is evaluated at {report.evaluation.instant}; re-entry:{' '}
            {report.evaluation.reentry.mode}. Took {(report.tookMs / 1000).toFixed(1)} s.
          </li>
        </ul>
      </section>
    </>
  );
}

export function BacktestPage({ journeyId }: { journeyId: string }) {
  const journey = useJourney(journeyId);
  const [period, setPeriod] = useState(defaultBacktestWindow);
  const [draft, setDraft] = useState(period);
  const backtest = useBacktest(journeyId, period);
  const report = backtest.data;
  return (
    <div className="wf-page wf-page-wide">
      <div className="wf-page-header">
        <JourneyPageTitle journeyId={journeyId} name={journey.data?.name} page="backtest">
          The published journey run over the past: the trigger evaluated each day on the facts of that day,
          entrants following the plan against what they really did. Nothing is sent.
        </JourneyPageTitle>
        <form
          className="toolbar-actions"
          onSubmit={(e) => {
            e.preventDefault();
            setPeriod(draft);
          }}
        >
          <label>
            From{' '}
            <input
              type="date"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </label>
          <label>
            To{' '}
            <input
              type="date"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </label>
          <button type="submit" className="button button-primary">
            Run backtest
          </button>
          <button
            type="button"
            className="button"
            disabled={!report}
            onClick={() =>
              report &&
              downloadText(
                `backtest-${journeyId.slice(0, 8)}-${report.window.from}-${report.window.to}.csv`,
                backtestReportCsv(report),
              )
            }
          >
            <Download size={14} /> CSV
          </button>
          <a className="button" href={resultsHref(journeyId)}>
            Results
          </a>
        </form>
      </div>
      {backtest.error ? (
        <div className="page-message error" role="alert">
          Could not run the backtest: {backtest.error.message}
        </div>
      ) : null}
      {backtest.isFetching ? <div className="page-message">Replaying history…</div> : null}
      {report && !backtest.isFetching ? <Report report={report} /> : null}
    </div>
  );
}
