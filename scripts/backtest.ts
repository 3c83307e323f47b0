/**
 * `pnpm backtest --workspace default --journey <id> --from 2026-01-01 --to 2026-03-31 [--version 2] [--output csv|json]`:
 * the journey backtested (over the whole event log without --from and --to) over the workspace's event log (docs/backtest.md), the report on stdout as CSV (default)
 * or JSON. Reads DATABASE_URL; writes nothing to the database.
 */
import { parseArgs } from 'node:util';
import { connect } from '@wakeflow/db';
import {
  BacktestInputError,
  backtestReportCsv,
  backtestRequestSchema,
  eventLogSpan,
  runBacktest,
} from '@wakeflow/catalog';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    workspace: { type: 'string', default: process.env.WAKEFLOW_WORKSPACE ?? 'default' },
    journey: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    version: { type: 'string' },
    output: { type: 'string', default: 'csv' },
  },
});
const url = process.env.DATABASE_URL;
if (!url) fail('DATABASE_URL is not set');
if (!values.journey) fail('--journey: give the journey id');
if (values.output !== 'csv' && values.output !== 'json') fail('--output: csv or json');
const handle = connect(url);
// Without a window: the whole event log.
const span =
  values.from && values.to ? null : await eventLogSpan(handle.db, values.workspace).catch(() => null);
const request = backtestRequestSchema.safeParse({
  from: values.from ?? span?.first,
  to: values.to ?? span?.last,
  ...(values.version ? { version: Number(values.version) } : {}),
});
if (!request.success) {
  await handle.close();
  fail(request.error.issues.map((i) => `--${i.path.join('.') || 'from'}: ${i.message}`).join('\n'));
}
try {
  const report = await runBacktest(handle.db, {
    ...request.data,
    workspaceId: values.workspace,
    journeyId: values.journey,
  });
  process.stdout.write(
    values.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : backtestReportCsv(report),
  );
} catch (error) {
  if (error instanceof BacktestInputError) fail(`--${error.field}: ${error.message}`);
  throw error;
} finally {
  await handle.close();
}
