/**
 * The OpenAPI document against the running app: every route registered in Express (found by walking the router
 * stack, so a route added anywhere is seen) is an operation of the document, the document lists no route that does
 * not exist, and `GET /api/openapi.json` serves it. That answers match it is checked for every API test by
 * test/support/contract-check.ts.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '@wakeflow/contracts';
import { createJourneyBench, type JourneyBench } from '@wakeflow/testing';
import type { createApp } from '../src/app';
import { listRoutes } from '../src/http/route-list';
import { apiReferenceDocument } from '../src/routes/reference';
import { createBenchApp } from './support/bench-app';

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

describe('the OpenAPI document', () => {
  let bench: JourneyBench;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    bench = await createJourneyBench();
    app = createBenchApp(bench);
  });
  afterAll(async () => {
    await bench?.close();
  });

  function documentedOperations(): string[] {
    const paths = apiReferenceDocument().paths ?? {};
    return Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item ?? {})
        .filter((method) => HTTP_METHODS.has(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  it('documents every route registered in Express, and no route that does not exist', () => {
    const registered = listRoutes(app)
      .filter((r) => r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${openApiPath(r.path)}`);
    expect(registered.length).toBeGreaterThan(100);
    const documented = documentedOperations();
    const undocumented = registered.filter((key) => !documented.includes(key));
    expect(undocumented, 'add these routes to packages/contracts').toEqual([]);
    const stale = documented.filter((key) => !registered.includes(key));
    expect(stale, 'these operations name no route').toEqual([]);
  });

  it('serves the document at /api/openapi.json without sign-in, each operation saying what it needs', async () => {
    const res = await request(app).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const draft = res.body.paths['/api/journeys/{id}/draft'].put;
    expect(draft['x-wakeflow-access']).toBe('journeys.edit');
    expect(draft.requestBody.content['application/json'].schema.required).toContain('revision');
    expect(res.body.paths['/api/auth/sign-in'].post.security).toEqual([]);
    expect(res.body.components.schemas.Error).toBeDefined();
  });
});
