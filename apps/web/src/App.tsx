/** The app shell: a slim header and the page for the current route. */
import { Workflow } from 'lucide-react';
import { useRoute } from './router';
import { JourneyListPage } from './components/JourneyListPage';
import { EditorPage } from './components/EditorPage';
import { VersionPage } from './components/VersionPage';
import { sections } from './sections/index';
import { useHashPath } from './router';

export function App() {
  const route = useRoute();
  const path = useHashPath();
  const sectionPage = sections.map((s) => s.render(path)).find((page) => page !== null);
  return (
    <div className="app">
      <header className="app-header">
        <a className="brand" href="#/">
          <Workflow size={18} /> Wakeflow
        </a>
        <nav>
          <a href="#/">Journeys</a>
          {sections
            .filter((s) => s.label)
            .map((s) => (
              <a key={s.id} href={`#${s.path}`} aria-current={path.startsWith(s.path) ? 'page' : undefined}>
                {s.label}
              </a>
            ))}
        </nav>
      </header>
      <main className="app-main">
        {sectionPage ?? null}
        {!sectionPage && route.page === 'journeys' ? <JourneyListPage /> : null}
        {route.page === 'editor' ? <EditorPage key={route.journeyId} journeyId={route.journeyId} /> : null}
        {route.page === 'version' ? <VersionPage key={`${route.journeyId}@${route.version}`} journeyId={route.journeyId} version={route.version} /> : null}
      </main>
    </div>
  );
}
