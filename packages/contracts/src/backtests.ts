/**
 * Backtests: a journey run over the workspace's past (docs/backtest.md). The request names a window of UTC days;
 * the report says how many would have entered, down which paths, what they would have been sent, what it would have
 * cost, and how many came back on their own within each wait. Also the report as CSV, one table of
 * `section, key, group, measure, value` rows, for the web app's download and the CLI.
 */
import { z } from 'zod';
import { csvLines, reentrySchema, type CsvValue } from '@wakeflow/journey';
import { defineRoute } from './route';
import { journeyIdParams } from './journeys';

const day = z.iso.date('Use a date like 2026-01-31');

export const backtestRequestSchema = z
  .object({
    /** First UTC day the trigger is evaluated on. */
    from: day,
    /** Last UTC day the trigger is evaluated on (runs entered then follow the log to its end). */
    to: day,
    /** A published version; the live one (else the latest) by default. */
    version: z.number().int().positive().optional(),
  })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['to'] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 < 3660, {
    message: 'A backtest covers at most 10 years',
    path: ['to'],
  });
export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

export const returnGroupSchema = z.object({
  key: z.string(),
  /** Runs that reached the wait and whose wait ended (by an event or its timeout). */
  reached: z.number(),
  returned: z.number(),
  rate: z.number().nullable(),
});
export type ReturnGroup = z.infer<typeof returnGroupSchema>;

export const backtestReportSchema = z.object({
  journey: z.object({ id: z.string(), name: z.string(), version: z.number() }),
  window: z.object({ from: day, to: day, days: z.number() }),
  evaluation: z.object({
    /** When on each day the trigger is evaluated. */
    instant: z.string(),
    triggerSegmentId: z.string(),
    reentry: reentrySchema,
    /** How the trigger was evaluated: in memory, or with the segment's SQL each day (and why). Same result. */
    method: z.string().optional(),
  }),
  /** Customers of the workspace the backtest looked at. */
  customers: z.number(),
  entries: z.object({
    total: z.number(),
    /** Distinct customers who entered at least once. */
    customers: z.number(),
    holdout: z.number(),
    byDay: z.array(z.object({ day, entered: z.number() })),
  }),
  runs: z.object({
    /** Still going when the event log ended. */
    open: z.number(),
    failed: z.number(),
  }),
  outcomes: z.array(z.object({ outcome: z.string(), runs: z.number(), share: z.number().nullable() })),
  /** Runs that reached each step, and their share of all entries. */
  steps: z.array(
    z.object({
      stepId: z.string(),
      name: z.string(),
      type: z.string(),
      runs: z.number(),
      share: z.number().nullable(),
    }),
  ),
  messages: z.array(
    z.object({
      channel: z.string(),
      /** Would have been sent: the rules let them through. */
      sent: z.number(),
      /** Not sent: the run was in the holdout. */
      heldOut: z.number(),
      /** Not sent: a rule (consent, cap, no address…) skipped them. */
      skipped: z.number(),
      /** Times a send was put off (quiet hours, send window, cap) before its final decision. */
      deferrals: z.number(),
      unitCost: z.number(),
      cost: z.number(),
    }),
  ),
  skipReasons: z.array(z.object({ reason: z.string(), count: z.number() })),
  cost: z.object({ total: z.number() }),
  /** Per wait step: of the runs whose wait ended, how many came back (not by the timeout). */
  naturalReturn: z.array(
    returnGroupSchema.omit({ key: true }).extend({
      stepId: z.string(),
      name: z.string(),
      timedOut: z.number(),
      byDormancyStage: z.array(returnGroupSchema),
      byValueTier: z.array(returnGroupSchema),
    }),
  ),
  notes: z.object({
    /** Fields the trigger read at today's value, for want of history. */
    fieldsWithoutHistory: z.array(z.string()),
    rulesJudged: z.boolean(),
    rules: z.string(),
    /** Steps a backtest cannot run, answered with their kind's first outcome. */
    defaultedSteps: z.array(z.string()),
    noTreatmentEffect: z.literal(true),
  }),
  tookMs: z.number(),
});
export type BacktestReport = z.infer<typeof backtestReportSchema>;

const tag = 'Backtests';

export const backtestRoutes = {
  run: defineRoute({
    method: 'post',
    path: '/journeys/:id/backtest',
    tag,
    summary: 'Backtest the journey over a past window of the event log',
    description:
      'Evaluates the trigger once per UTC day as the audience sweep would have then (facts as of that day), drives the entrants through the plan against what they really did afterwards, and judges sends by the rules without sending. Nothing is written.',
    params: journeyIdParams,
    body: backtestRequestSchema,
    responses: { 200: backtestReportSchema },
  }),
} as const;

/** The report as one CSV table: `section, key, group, measure, value`. */
export function backtestReportCsv(report: BacktestReport): string {
  const rows: CsvValue[][] = [['section', 'key', 'group', 'measure', 'value']];
  const add = (section: string, key: string, group: string, measure: string, value: CsvValue) =>
    rows.push([section, key, group, measure, value]);
  add('journey', report.journey.name, '', 'version', report.journey.version);
  add('window', report.window.from, '', 'to', report.window.to);
  add('entries', 'total', '', 'entries', report.entries.total);
  add('entries', 'customers', '', 'customers', report.entries.customers);
  add('entries', 'holdout', '', 'entries', report.entries.holdout);
  for (const d of report.entries.byDay) add('entries_by_day', d.day, '', 'entered', d.entered);
  for (const s of report.steps) {
    add('steps', s.stepId, s.name, 'runs', s.runs);
    add('steps', s.stepId, s.name, 'share', s.share);
  }
  for (const o of report.outcomes) add('outcomes', o.outcome, '', 'runs', o.runs);
  add('runs', 'open', '', 'runs', report.runs.open);
  add('runs', 'failed', '', 'runs', report.runs.failed);
  for (const m of report.messages) {
    add('messages', m.channel, '', 'sent', m.sent);
    add('messages', m.channel, '', 'held_out', m.heldOut);
    add('messages', m.channel, '', 'skipped', m.skipped);
    add('messages', m.channel, '', 'deferrals', m.deferrals);
    add('messages', m.channel, '', 'cost', m.cost);
  }
  for (const r of report.skipReasons) add('skip_reasons', r.reason, '', 'count', r.count);
  add('cost', 'total', '', 'cost', report.cost.total);
  for (const w of report.naturalReturn) {
    const groups = [
      { kind: 'all', list: [{ key: 'all', reached: w.reached, returned: w.returned, rate: w.rate }] },
      { kind: 'dormancy_stage', list: w.byDormancyStage },
      { kind: 'value_tier', list: w.byValueTier },
    ];
    for (const { kind, list } of groups)
      for (const g of list) {
        add('natural_return', w.stepId, `${kind}:${g.key}`, 'reached', g.reached);
        add('natural_return', w.stepId, `${kind}:${g.key}`, 'returned', g.returned);
        add('natural_return', w.stepId, `${kind}:${g.key}`, 'rate', g.rate);
      }
  }
  return csvLines(rows);
}
