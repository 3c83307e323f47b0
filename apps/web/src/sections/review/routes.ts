/** The review section's hash paths: `/runs?journeyId=…&status=…` (find runs) and `/runs/:id` (one run). */
import { asRunStatus, type RunFilters } from '../../api/review';

export type ReviewRoute =
  | { page: 'runs'; filters: RunFilters }
  | { page: 'run'; runId: string }
  | { page: 'results'; journeyId: string; version?: number }
  | { page: 'backtest'; journeyId: string }
  | { page: 'dashboard' };

export function parseReviewPath(path: string): ReviewRoute | null {
  const [pathname = '', search = ''] = path.split('?');
  const run = /^\/runs\/([^/]+)$/.exec(pathname);
  if (run) return { page: 'run', runId: decodeURIComponent(run[1]!) };
  if (pathname === '/runs' || pathname === '/runs/')
    return { page: 'runs', filters: filtersFromSearch(search) };
  const results = /^\/journeys\/([^/]+)\/results$/.exec(pathname);
  if (results) {
    const version = Number(new URLSearchParams(search).get('version'));
    return {
      page: 'results',
      journeyId: decodeURIComponent(results[1]!),
      ...(Number.isInteger(version) && version > 0 ? { version } : {}),
    };
  }
  const backtest = /^\/journeys\/([^/]+)\/backtest$/.exec(pathname);
  if (backtest) return { page: 'backtest', journeyId: decodeURIComponent(backtest[1]!) };
  if (pathname === '/results') return { page: 'dashboard' };
  return null;
}

export function filtersFromSearch(search: string): RunFilters {
  const params = new URLSearchParams(search);
  const filters: RunFilters = {};
  const journeyId = params.get('journeyId');
  const version = Number(params.get('version'));
  const customerId = params.get('customerId');
  const status = params.get('status');
  const outcome = params.get('outcome');
  if (journeyId) filters.journeyId = journeyId;
  if (Number.isInteger(version) && version > 0) filters.version = version;
  if (customerId) filters.customerId = customerId;
  const runStatus = asRunStatus(status);
  if (runStatus) filters.status = runStatus;
  if (outcome) filters.outcome = outcome;
  return filters;
}

export function runsHref(filters: RunFilters = {}): string {
  const params = new URLSearchParams();
  for (const key of ['journeyId', 'version', 'customerId', 'status', 'outcome'] as const) {
    const value = filters[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `#/runs${search ? `?${search}` : ''}`;
}

export function runHref(runId: string): string {
  return `#/runs/${encodeURIComponent(runId)}`;
}

export function resultsHref(journeyId: string, version?: number): string {
  return `#/journeys/${encodeURIComponent(journeyId)}/results${version ? `?version=${version}` : ''}`;
}

export function backtestHref(journeyId: string): string {
  return `#/journeys/${encodeURIComponent(journeyId)}/backtest`;
}
