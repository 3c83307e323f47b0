/**
 * For component tests of the audience and messages pages: a fresh query client per render, and a fake API that
 * answers `fetch` by method + path and records every request, so tests assert what the page sent.
 */
import type { ReactElement } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export type Handler = (request: RecordedRequest) => { status?: number; body?: unknown } | unknown;

/** Routes are `"GET /api/segments/fields"`; a path may end in `*` to match a prefix. The first match answers. */
export function fakeApi(routes: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init?.method ?? 'GET';
    const request: RecordedRequest = {
      method,
      path: url.pathname + url.search,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    requests.push(request);
    const entry = Object.entries(routes).find(([key]) => {
      const [m, p] = key.split(' ') as [string, string];
      if (m !== method) return false;
      return p.endsWith('*') ? request.path.startsWith(p.slice(0, -1)) : url.pathname === p;
    });
    if (!entry)
      return new Response(
        JSON.stringify({
          error: { code: 'route_not_found', message: `No fake for ${method} ${request.path}` },
        }),
        { status: 404 },
      );
    const answer = entry[1](request);
    const shaped =
      answer && typeof answer === 'object' && ('status' in answer || 'body' in answer)
        ? (answer as { status?: number; body?: unknown })
        : { body: answer };
    const status = shaped.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(shaped.body ?? {}), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetchMock };
}

export function renderWithClient(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>);
}
