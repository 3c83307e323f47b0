/**
 * The churn model (BG/NBD + Gamma-Gamma): the latest fit, and beside it the fit checked on history — fitted again on
 * the earlier part of the purchases and its predictions for the later part set beside what customers bought, per
 * number of repeat purchases in calibration (the calibration/holdout chart of Fader, Hardie & Lee) and in total.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useChurnModel, useChurnValidation, useRefitChurnModel } from '../../api/churn';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { formatDateTime } from '../../ui/format';
import { validationRows, validationSummary } from './churn-validation';
import { audienceTabs } from './routes';

function param(params: unknown, name: string): string {
  const value =
    typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[name] : undefined;
  return typeof value === 'number' ? value.toPrecision(4) : '—';
}

export function ChurnModelPage() {
  const model = useChurnModel();
  const validation = useChurnValidation();
  const refit = useRefitChurnModel();
  const fit = model.data;
  const check = validation.data;
  return (
    <SectionPage
      title="Audience"
      tabs={audienceTabs({ page: 'churn' })}
      actions={
        <button type="button" className="button" disabled={refit.isPending} onClick={() => refit.mutate()}>
          {refit.isPending ? 'Fitting…' : 'Refit now'}
        </button>
      }
    >
      <ErrorText error={model.error} what="load the churn model" />
      <ErrorText error={validation.error} what="check the churn model on history" />
      <ErrorText error={refit.error} what="refit the churn model" />
      <div className="aud-card" data-testid="churn-fit">
        <h3>The fit</h3>
        {fit ? (
          <p>
            BG/NBD on {String(fit.customers)} buyers, fitted {formatDateTime(String(fit.fittedAt))}: r{' '}
            {param(fit.params, 'r')}, α {param(fit.params, 'alpha')} (days), a {param(fit.params, 'a')}, b{' '}
            {param(fit.params, 'b')}.
          </p>
        ) : model.isSuccess ? (
          <p className="muted">Not fitted yet: it needs at least 20 buyers, some with a repeat purchase.</p>
        ) : null}
      </div>
      <div className="aud-card aud-chart-card" data-testid="churn-validation">
        <div className="chart-head">
          <h3>Checked on history</h3>
          {check ? (
            <span className="muted small">
              fitted to {check.calibrationEnd}, predicting {check.holdoutDays} days to {check.holdoutEnd} ·{' '}
              {check.customers.toLocaleString()} customers
            </span>
          ) : null}
        </div>
        {check ? (
          <>
            <p data-testid="churn-validation-summary">{validationSummary(check)}</p>
            <div className="chart" style={{ width: '100%', height: 300 }}>
              <ResponsiveContainer width="100%" height="100%" minWidth={300}>
                <BarChart data={validationRows(check)} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6eb" />
                  <XAxis
                    dataKey="label"
                    tick={{ fontSize: 12 }}
                    label={{
                      value: 'repeat purchases in the calibration period',
                      position: 'insideBottom',
                      offset: -8,
                    }}
                  />
                  <YAxis tick={{ fontSize: 12 }} />
                  <Tooltip itemStyle={{ color: 'var(--text)' }} />
                  <Legend verticalAlign="top" />
                  <Bar dataKey="actual" name="actual per customer" fill="#2563eb" isAnimationActive={false} />
                  <Bar
                    dataKey="predicted"
                    name="predicted per customer"
                    fill="#94a3b8"
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </>
        ) : validation.isSuccess ? (
          <p className="muted">
            Not enough history yet: it needs at least 20 buyers before the holdout period.
          </p>
        ) : null}
      </div>
    </SectionPage>
  );
}
