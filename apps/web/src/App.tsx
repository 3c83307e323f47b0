/** The app shell: a slim header and the page for the current route. */
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { LogOut, Workflow } from 'lucide-react';
import { onUnauthorized } from './api/client';
import { authKeys, useMe, useSignOut } from './api/people';
import { AccountLinkPage, accountLinkOf } from './sections/people/AccountLinkPage';
import { SignInPage } from './sections/people/SignInPage';
import { useRoute } from './router';
import { JourneyListPage } from './components/JourneyListPage';
import { EditorPage } from './components/EditorPage';
import { VersionPage } from './components/VersionPage';
import { sections } from './sections/index';
import { useHashPath } from './router';

/** The signed-in person (or local mode) and sign-out, at the right of the header. */
function Principal() {
  const me = useMe();
  const signOut = useSignOut();
  if (!me.data) return null;
  const who =
    me.data.kind === 'user'
      ? me.data.user.name || me.data.user.email
      : me.data.kind === 'local'
        ? 'Local mode (admin)'
        : `API key ${me.data.apiKey.name}`;
  return (
    <div className="app-principal" data-testid="principal">
      <span
        title={
          me.data.kind === 'user'
            ? me.data.user.email
            : 'No sign-in: this machine acts as the workspace admin'
        }
      >
        {who}
      </span>
      {me.data.kind === 'user' ? (
        <button type="button" className="header-button" onClick={() => signOut.mutate()}>
          <LogOut size={14} /> Sign out
        </button>
      ) : null}
    </div>
  );
}

/** Signed in (or local mode) shows the app; a 401 from anywhere shows sign-in instead. */
export function App() {
  const queryClient = useQueryClient();
  const me = useMe();
  // A 401 elsewhere means the session ended: ask who we are again (its own 401 and sign-in's are answers, not news).
  useEffect(
    () =>
      onUnauthorized((path) =>
        path.startsWith('/api/auth/')
          ? undefined
          : void queryClient.invalidateQueries({ queryKey: authKeys.me }),
      ),
    [queryClient],
  );
  // Links in account mail work signed in or not (accepting with an open session adds the workspace to it).
  const accountLink = accountLinkOf(window.location);
  if (accountLink) return <AccountLinkPage link={accountLink} />;
  if (me.isPending) return <div className="page-message">Loading…</div>;
  if (me.error) {
    if ((me.error as { status?: number }).status === 401) return <SignInPage />;
  }
  return <Shell />;
}

function Shell() {
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
          {/* A page of its own (reference.html): the renderer moves by URL hash, which this app's router owns. */}
          <a href="/reference.html" target="_blank" rel="noopener">
            API
          </a>
        </nav>
        <Principal />
      </header>
      <main className="app-main">
        {sectionPage ?? null}
        {!sectionPage && route.page === 'journeys' ? <JourneyListPage /> : null}
        {route.page === 'editor' ? <EditorPage key={route.journeyId} journeyId={route.journeyId} /> : null}
        {route.page === 'version' ? (
          <VersionPage
            key={`${route.journeyId}@${route.version}`}
            journeyId={route.journeyId}
            version={route.version}
          />
        ) : null}
      </main>
    </div>
  );
}
