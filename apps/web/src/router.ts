/**
 * Hash routes, so the built app works behind any static file server with no fallback rules:
 * `#/` journeys, `#/journeys/:id` the editor, `#/journeys/:id/versions/:n` a published version with its counts.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'journeys' }
  | { page: 'editor'; journeyId: string }
  | { page: 'version'; journeyId: string; version: number };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const version = /^\/journeys\/([^/]+)\/versions\/(\d+)$/.exec(path);
  if (version)
    return { page: 'version', journeyId: decodeURIComponent(version[1]!), version: Number(version[2]) };
  const editor = /^\/journeys\/([^/]+)$/.exec(path);
  if (editor) return { page: 'editor', journeyId: decodeURIComponent(editor[1]!) };
  return { page: 'journeys' };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case 'journeys':
      return '#/';
    case 'editor':
      return `#/journeys/${encodeURIComponent(route.journeyId)}`;
    case 'version':
      return `#/journeys/${encodeURIComponent(route.journeyId)}/versions/${route.version}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

/** The raw hash path (e.g. `/customers/42`), for sections that parse their own paths. */
export function useHashPath(): string {
  const [path, setPath] = useState(() => window.location.hash.replace(/^#/, '') || '/');
  useEffect(() => {
    const onChange = () => setPath(window.location.hash.replace(/^#/, '') || '/');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
