/** The app shell: a slim header and the page for the current route. */
import { Workflow } from 'lucide-react';
import { useRoute } from './router';
import { JourneyListPage } from './components/JourneyListPage';
import { EditorPage } from './components/EditorPage';
import { VersionPage } from './components/VersionPage';

export function App() {
  const route = useRoute();
  return (
    <div className="app">
      <header className="app-header">
        <a className="brand" href="#/">
          <Workflow size={18} /> Wakeflow
        </a>
        <nav>
          <a href="#/">Journeys</a>
        </nav>
      </header>
      <main className="app-main">
        {route.page === 'journeys' ? <JourneyListPage /> : null}
        {route.page === 'editor' ? <EditorPage key={route.journeyId} journeyId={route.journeyId} /> : null}
        {route.page === 'version' ? <VersionPage key={`${route.journeyId}@${route.version}`} journeyId={route.journeyId} version={route.version} /> : null}
      </main>
    </div>
  );
}
