/** The review sections: runs (find one, open its path and history) and results (per journey and the workspace). */
import '../review.css';
import type { Section } from '../section';
import { RunPage } from './RunPage';
import { RunsPage } from './RunsPage';
import { JourneyResultsPage } from './JourneyResultsPage';
import { DashboardPage } from './DashboardPage';
import { BacktestPage } from './BacktestPage';
import { parseReviewPath } from './routes';

export const reviewSection: Section = {
  id: 'runs',
  label: 'Runs',
  path: '/runs',
  render(path) {
    const route = parseReviewPath(path);
    if (route?.page === 'runs') return <RunsPage key={path} filters={route.filters} />;
    if (route?.page === 'run') return <RunPage key={route.runId} runId={route.runId} />;
    return null;
  },
};

export const resultsSection: Section = {
  id: 'results',
  label: 'Results',
  path: '/results',
  render(path) {
    const route = parseReviewPath(path);
    if (route?.page === 'results')
      return (
        <JourneyResultsPage
          key={path}
          journeyId={route.journeyId}
          {...(route.version ? { version: route.version } : {})}
        />
      );
    if (route?.page === 'backtest') return <BacktestPage key={path} journeyId={route.journeyId} />;
    if (route?.page === 'dashboard') return <DashboardPage />;
    return null;
  },
};
