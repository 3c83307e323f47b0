import { describe, expect, it } from 'vitest';
import { apiRoutes, journeyRoutes, openApiPath } from './index';
import { buildOpenApiDocument } from './openapi';

describe('the route contracts', () => {
  it('name each method and path once', () => {
    const keys = apiRoutes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('declare a params schema with exactly the path parameters of their path', () => {
    for (const route of apiRoutes) {
      const inPath = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]).sort();
      const declared = Object.keys(route.params?.shape ?? {}).sort();
      expect(declared, `${route.method} ${route.path}`).toEqual(inPath);
    }
  });
});

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument(apiRoutes, {
    version: '1.2.3',
    accessOf: (route) => (route.path === '/auth/config' ? 'public' : 'workspace.read'),
  });

  it('writes OpenAPI 3.1 with one operation per route, each with the shared error answer', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('1.2.3');
    const operations = Object.values(document.paths ?? {}).flatMap((item) => Object.keys(item ?? {}));
    expect(operations).toHaveLength(apiRoutes.length);
    const draft = document.paths?.[`/api${openApiPath(journeyRoutes.saveDraft.path)}`]?.put;
    expect(draft?.responses?.default).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    expect(draft?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });

  it('marks public routes as needing no credentials and says what the others need', () => {
    expect(document.paths?.['/api/auth/config']?.get?.security).toEqual([]);
    const list = document.paths?.['/api/journeys']?.get;
    expect(list?.security).toBeUndefined();
    expect(list?.description).toContain('`workspace.read`');
  });
});

describe('openApiPath', () => {
  it('writes Express parameters as OpenAPI templates', () => {
    expect(openApiPath('/journeys/:id/versions/:version')).toBe('/journeys/{id}/versions/{version}');
  });
});
