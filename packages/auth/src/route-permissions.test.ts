import { describe, expect, it } from 'vitest';
import { allPermissions, isRole } from './roles';
import { createRouteMatcher, routePermissions, type RouteRule } from './route-permissions';

describe('the route permission table', () => {
  const match = createRouteMatcher();

  it('names only known permissions', () => {
    for (const rule of Object.values(routePermissions) as RouteRule[]) {
      expect(rule === 'public' || rule === 'signed_in' || allPermissions.includes(rule)).toBe(true);
    }
  });

  it('matches literal segments before parameters, and nothing else', () => {
    expect(match('GET', '/segments/fields')).toMatchObject({ key: 'GET /segments/fields' });
    expect(match('GET', '/segments/dormant')).toMatchObject({ key: 'GET /segments/:id' });
    expect(match('GET', '/journeys/abc/versions/3')).toMatchObject({
      key: 'GET /journeys/:id/versions/:version',
      rule: 'workspace.read',
    });
    expect(match('HEAD', '/journeys')).toMatchObject({ key: 'GET /journeys' });
    expect(match('GET', '/journeys/abc/extra/deep')).toBeNull();
    expect(match('DELETE', '/journeys')).toBeNull();
  });

  it('gives ingest routes the ingest permission and nothing else needs it', () => {
    const ingest = Object.entries(routePermissions)
      .filter(([, r]) => r === 'ingest')
      .map(([k]) => k);
    expect(ingest).toEqual(
      expect.arrayContaining([
        'POST /events',
        'POST /events/batch',
        'PUT /customers/:externalId',
        'POST /customers/batch',
      ]),
    );
    expect(ingest.every((k) => /^(PUT|POST) \/(events|customers)/.test(k))).toBe(true);
  });

  it('has no route that edits the audit log', () => {
    const audit = Object.keys(routePermissions).filter((k) => k.split(' ')[1]!.startsWith('/audit'));
    expect(audit).toEqual(['GET /audit']);
    expect(isRole('admin')).toBe(true);
  });
});
