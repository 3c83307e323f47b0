import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { customerRoutes, journeyRoutes, runRoutes } from '@wakeflow/contracts';
import { ApiError, apiRequest, callApi, retryQuery, retryQueryDelay, routeUrl } from './client';

afterEach(() => vi.unstubAllGlobals());

/** The API's answer while Temporal (or PostgreSQL) is down: 503, a stable code and Retry-After. */
const outage = (code: string) =>
  new Response(
    JSON.stringify({
      error: { code, message: 'Temporal is unreachable; retry shortly', retryAfterSeconds: 5 },
    }),
    { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '5' } },
  );

describe('apiRequest during an outage', () => {
  it('says Temporal is unreachable and retrying instead of the raw message', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => outage('temporal_unavailable')),
    );
    const error = await apiRequest('/api/journeys', z.unknown()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('Temporal is unreachable, retrying');
    expect((error as ApiError).retryAfterMs).toBe(5000);
  });

  it('says the same of the database, and tells a change to try again (changes are not retried)', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => outage('database_unavailable')),
    );
    const read = await apiRequest('/api/customers', z.unknown()).catch((e: unknown) => e);
    expect((read as ApiError).message).toBe('The database is unreachable, retrying');
    const change = await apiRequest('/api/journeys', z.unknown(), { method: 'POST', body: {} }).catch(
      (e: unknown) => e,
    );
    expect((change as ApiError).message).toBe('The database is unreachable; try again in a few seconds');
  });

  it('leaves other errors as the server wrote them', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on our side' } }),
            {
              status: 503,
            },
          ),
      ),
    );
    const error = await apiRequest('/api/journeys', z.unknown()).catch((e: unknown) => e);
    expect((error as ApiError).message).toBe('Something went wrong on our side');
  });
});

describe('query retries', () => {
  it('retries an outage after Retry-After until it answers, but never a 4xx', async () => {
    const notFound = new ApiError(404, 'not_found', 'Journey not found');
    const down = new ApiError(503, 'temporal_unavailable', 'Temporal is unreachable, retrying', [], [], 5000);
    expect(retryQuery(0, notFound)).toBe(false);
    expect(retryQuery(5, down)).toBe(true);
    expect(retryQueryDelay(1, down)).toBe(5000);

    let calls = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls++;
        return calls < 3 ? outage('temporal_unavailable') : new Response(JSON.stringify({ ok: true }));
      }),
    );
    // The app's retry rule with a short delay, so the test does not wait the real 5 s.
    const client = new QueryClient({ defaultOptions: { queries: { retry: retryQuery, retryDelay: 1 } } });
    const data = await client.fetchQuery({
      queryKey: ['probe'],
      queryFn: () => apiRequest('/api/probe', z.object({ ok: z.boolean() })),
    });
    expect(data).toEqual({ ok: true });
    expect(calls).toBe(3);
  });
});

describe('callApi', () => {
  it('builds the URL from the contract: path params filled in, empty query values left out', () => {
    expect(routeUrl(journeyRoutes.version, { id: 'j 1', version: 3 })).toBe('/api/journeys/j%201/versions/3');
    expect(routeUrl(runRoutes.list, {}, { journeyId: 'j1', status: undefined, outcome: '' })).toBe(
      '/api/runs?journeyId=j1',
    );
  });

  it("sends the contract's method and parses the answer with the schema of the status it got", async () => {
    const fetchMock = vi.fn(
      async () =>
        new Response(
          JSON.stringify({
            approvalRequired: true,
            approval: {
              id: 'r1',
              journeyId: 'j1',
              journeyName: 'Win-back',
              draftRevision: 4,
              baseVersion: null,
              status: 'pending',
              requestedBy: 'user:1',
              requestComment: null,
              requestedAt: '2026-12-07T03:00:00.000Z',
              decidedBy: null,
              decisionComment: null,
              decidedAt: null,
              version: null,
            },
          }),
          { status: 202 },
        ),
    );
    vi.stubGlobal('fetch', fetchMock);
    const answer = await callApi(journeyRoutes.publish, { params: { id: 'j1' }, body: { revision: 4 } });
    expect(answer).toMatchObject({ approvalRequired: true, approval: { id: 'r1' } });
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/journeys/j1/publish',
      expect.objectContaining({ method: 'POST', body: JSON.stringify({ revision: 4 }) }),
    );
  });

  it('refuses an answer that does not match the contract', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ journeys: [{ id: 1 }] }))),
    );
    const error = await callApi(journeyRoutes.list).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad_response' });
  });
});

describe('callApi with a CSV import', () => {
  it('sends the file as text/csv and answers the 422 report of a refused header instead of throwing', async () => {
    const report = {
      rows: 0,
      imported: 0,
      duplicates: 0,
      errors: [{ line: 1, column: 'externalId', problem: 'Required column is missing' }],
      rejected: true,
    };
    const fetchMock = vi.fn(
      async (_url: string, _init: RequestInit) =>
        new Response(JSON.stringify(report), {
          status: 422,
          headers: { 'content-type': 'application/json' },
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const answer = await callApi(customerRoutes.importCustomers, { body: 'email\na@example.com' });
    expect(answer).toEqual(report);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/customers/import');
    expect(init.body).toBe('email\na@example.com');
    expect(new Headers(init.headers).get('content-type')).toBe('text/csv');
  });

  it('still throws an error the route does not document as an answer', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => outage('database_unavailable')),
    );
    const error = await callApi(customerRoutes.importEvents, { body: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
  });
});
