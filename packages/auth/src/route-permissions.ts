/**
 * THE permission table: every API route (method and path under /api, as registered in Express) and what it needs.
 * The API's access middleware enforces exactly this table; docs/roles.md is generated from it (a test fails when
 * they differ) and a test fails when a registered route is missing here. A route not listed is refused to every
 * signed-in principal (only the single-user local mode passes), so forgetting an entry fails closed.
 *
 * `public` routes need no principal (sign-in, links in messages); `signed_in` needs any principal.
 */
import type { Permission } from './roles';

export type RouteRule = Permission | 'public' | 'signed_in';

export const routePermissions = {
  // Sign-in and the signed-in person
  'GET /auth/config': 'public',
  'POST /auth/sign-in': 'public',
  'POST /auth/sign-out': 'signed_in',
  'GET /auth/me': 'signed_in',
  'POST /auth/password': 'signed_in',
  'POST /auth/workspace': 'signed_in',
  'POST /auth/password-reset': 'public',
  'POST /auth/password-reset/confirm': 'public',
  'POST /auth/invitations/lookup': 'public',
  'POST /auth/invitations/accept': 'public',
  'GET /auth/oidc/start': 'public',
  'GET /auth/oidc/callback': 'public',
  // The API reference (OpenAPI 3.1): integrators read it before they have a key.
  'GET /openapi.json': 'public',

  // People, roles, workspace settings, API keys, audit
  'GET /roles': 'workspace.read',
  'GET /people': 'workspace.read',
  'POST /people': 'people.manage',
  'PATCH /people/:userId': 'people.manage',
  'DELETE /people/:userId': 'people.manage',
  'DELETE /invitations/:id': 'people.manage',
  'GET /workspace': 'workspace.read',
  'PATCH /workspace': 'workspace.configure',
  'GET /api-keys': 'api_keys.manage',
  'POST /api-keys': 'api_keys.manage',
  'DELETE /api-keys/:id': 'api_keys.manage',
  'GET /audit': 'audit.read',

  // Journeys, versions, approvals
  'GET /node-catalog': 'workspace.read',
  'GET /journey-templates': 'workspace.read',
  'GET /journeys': 'workspace.read',
  'POST /journeys': 'journeys.edit',
  'GET /journeys/:id': 'workspace.read',
  'PATCH /journeys/:id': 'journeys.edit',
  'PUT /journeys/:id/draft': 'journeys.edit',
  'POST /journeys/:id/validate': 'workspace.read',
  'POST /journeys/:id/backtest': 'workspace.read',
  'POST /journeys/:id/preview': 'workspace.read',
  'GET /journeys/:id/draft/launch-estimate': 'workspace.read',
  'POST /journeys/:id/test-send': 'journeys.edit',
  'GET /test-recipients': 'workspace.read',
  'POST /test-recipients': 'content.edit',
  'DELETE /test-recipients/:id': 'content.edit',
  'POST /journeys/:id/publish': 'journeys.publish',
  'GET /journeys/:id/versions': 'workspace.read',
  'GET /journeys/:id/versions/:version': 'workspace.read',
  'GET /journeys/:id/stats': 'workspace.read',
  'GET /journeys/:id/sweeps': 'workspace.read',
  'GET /journeys/:id/audience-check': 'workspace.read',
  'POST /journeys/:id/audience-check': 'journeys.operate',
  'POST /journeys/:id/lifecycle': 'journeys.operate',
  'POST /journeys/:id/duplicate': 'journeys.edit',
  'GET /journeys/:id/approvals': 'workspace.read',
  'GET /approvals': 'workspace.read',
  'GET /approvals/:id': 'workspace.read',
  'POST /approvals/:id/approve': 'journeys.approve',
  'POST /approvals/:id/reject': 'journeys.approve',

  // Runs and replay
  'POST /journeys/:id/runs': 'journeys.operate',
  'POST /journeys/:id/runs/batch': 'journeys.operate',
  'GET /runs': 'workspace.read',
  'GET /runs/:id': 'workspace.read',
  'GET /runs/:id/history': 'workspace.read',
  'POST /runs/:id/replay': 'runs.replay',
  'POST /runs/:id/remove': 'journeys.operate',
  'POST /replay': 'runs.replay',

  // Ingest: the only routes an ingest-scoped API key reaches
  'PUT /customers/:externalId': 'ingest',
  'POST /customers/batch': 'ingest',
  'POST /customers/import': 'ingest',
  'POST /events': 'ingest',
  'POST /events/batch': 'ingest',
  'POST /events/import': 'ingest',

  // Audience
  'GET /customers': 'workspace.read',
  'GET /customers/:id': 'workspace.read',
  'GET /event-names': 'workspace.read',
  'GET /segments': 'workspace.read',
  'POST /segments': 'content.edit',
  'GET /segments/fields': 'workspace.read',
  'POST /segments/preview': 'workspace.read',
  'GET /segments/:id': 'workspace.read',
  'PATCH /segments/:id': 'content.edit',
  'DELETE /segments/:id': 'content.edit',
  'GET /audience/dormancy': 'workspace.read',
  'GET /audience/dormancy/history': 'workspace.read',
  'GET /audience/settings': 'workspace.read',
  'PUT /audience/settings': 'content.edit',
  'GET /audience/facts/rebuild': 'workspace.read',
  'POST /audience/facts/rebuild': 'content.edit',
  'POST /audience/rfm/recompute': 'content.edit',

  // Analytics: results, experiments, churn model, dormancy rules
  'GET /journeys/:id/results': 'workspace.read',
  'GET /runs/:id/conversion': 'workspace.read',
  'POST /analytics/measurement/check': 'workspace.read',
  'GET /journeys/:id/versions/:version/experiments': 'workspace.read',
  'PUT /journeys/:id/versions/:version/experiments/:stepId': 'journeys.operate',
  'POST /analytics/experiments/evaluate': 'journeys.operate',
  'GET /analytics/churn-model': 'workspace.read',
  'GET /analytics/churn-model/validation': 'workspace.read',
  'POST /analytics/churn-model/refit': 'content.edit',
  'GET /analytics/customers/:externalId/facts': 'workspace.read',
  'GET /analytics/dormancy-rules': 'workspace.read',
  'PUT /analytics/dormancy-rules': 'content.edit',
  'POST /analytics/dormancy-reasons/compute': 'content.edit',

  // Templates and coupons
  'GET /templates': 'workspace.read',
  'POST /templates': 'content.edit',
  'POST /templates/validate': 'workspace.read',
  'POST /templates/preview': 'workspace.read',
  'GET /templates/:id': 'workspace.read',
  'PATCH /templates/:id': 'content.edit',
  'DELETE /templates/:id': 'content.edit',
  'POST /templates/:id/preview': 'workspace.read',
  'GET /coupon-pools': 'workspace.read',
  'POST /coupon-pools': 'content.edit',
  'GET /coupon-pools/:id': 'workspace.read',
  'PUT /coupon-pools/:id': 'content.edit',
  'POST /coupon-pools/:id/codes': 'content.edit',
  'POST /coupon-pools/:id/generate': 'content.edit',
  'GET /coupon-pools/:id/codes': 'workspace.read',

  // Providers, channel rules, message log
  'GET /provider-kinds': 'workspace.read',
  'GET /providers': 'workspace.read',
  'POST /providers': 'providers.manage',
  'GET /providers/:id': 'workspace.read',
  'PATCH /providers/:id': 'providers.manage',
  'DELETE /providers/:id': 'providers.manage',
  'GET /channel-settings': 'workspace.read',
  'PUT /channel-settings': 'providers.manage',
  'GET /messages': 'workspace.read',
  'GET /outbox': 'workspace.read',

  // Links in messages: signed tokens carry the workspace
  'GET /t/u/:token': 'public',
  'POST /t/u/:token': 'public',
  'GET /t/o/:token': 'public',
  'GET /t/c/:token': 'public',
} as const satisfies Record<string, RouteRule>;

export type RouteKey = keyof typeof routePermissions;

export interface RouteMatch {
  key: string;
  rule: RouteRule;
}

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  params: number;
  key: string;
  rule: RouteRule;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/journeys/:id/versions/:version` → a regex matching one segment per parameter. */
export function compileRoutePattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : escape(segment)))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * A matcher over a route table. Literal segments win over parameters (`/segments/fields` before `/segments/:id`),
 * as they do in the routers, which register literal paths first.
 */
export function createRouteMatcher(
  table: Record<string, RouteRule> = routePermissions,
): (method: string, path: string) => RouteMatch | null {
  const compiled: CompiledRoute[] = Object.entries(table).map(([key, rule]) => {
    const space = key.indexOf(' ');
    const path = key.slice(space + 1);
    return {
      method: key.slice(0, space),
      pattern: compileRoutePattern(path),
      params: (path.match(/:/g) ?? []).length,
      key,
      rule,
    };
  });
  compiled.sort((a, b) => a.params - b.params);
  return (method, path) => {
    // HEAD is answered by GET handlers in Express.
    const m = method === 'HEAD' ? 'GET' : method;
    const hit = compiled.find((r) => r.method === m && r.pattern.test(path));
    return hit ? { key: hit.key, rule: hit.rule } : null;
  };
}
