/**
 * The HTTP contract of the Wakeflow API, by resource: every route's params, query, body and answers as zod
 * schemas. Browser-safe (zod and @wakeflow/journey only): the API parses with it, the web app parses with it,
 * and `./openapi` turns it into the OpenAPI document served at `/api/openapi.json`.
 */
import { analyticsRoutes } from './analytics';
import { apiKeyRoutes } from './api-keys';
import { approvalRoutes } from './approvals';
import { audienceRoutes } from './audience';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { backtestRoutes } from './backtests';
import { catalogRoutes } from './catalog';
import { channelSettingsRoutes } from './channel-settings';
import { couponRoutes } from './coupons';
import { customerRoutes } from './customers';
import { ingestRoutes } from './ingest';
import { journeyPreviewRoutes } from './journey-preview';
import { launchEstimateRoutes } from './launch-estimate';
import { testSendRoutes } from './test-sends';
import { journeyRoutes } from './journeys';
import { messageRoutes } from './messages';
import { metaRoutes } from './meta';
import { peopleRoutes } from './people';
import { providerRoutes } from './providers';
import type { RouteContract } from './route';
import { runRoutes } from './runs';
import { segmentRoutes } from './segments';
import { templateRoutes } from './templates';
import { trackingRoutes } from './tracking';

export * from './analytics';
export * from './api-keys';
export * from './approvals';
export * from './audience';
export * from './audit';
export * from './auth';
export * from './backtests';
export * from './catalog';
export * from './channel-settings';
export * from './common';
export * from './coupons';
export * from './customers';
export * from './errors';
export * from './ingest';
export * from './journey-preview';
export * from './journeys';
export * from './launch-estimate';
export * from './messages';
export * from './meta';
export * from './people';
export * from './providers';
export * from './route';
export * from './runs';
export * from './segments';
export * from './templates';
export * from './test-sends';
export * from './tracking';

/** Every route of the API, grouped by resource (the order of the reference). */
export const apiRouteGroups = {
  ingest: ingestRoutes,
  runs: runRoutes,
  journeys: journeyRoutes,
  journeyPreview: journeyPreviewRoutes,
  launchEstimate: launchEstimateRoutes,
  testSends: testSendRoutes,
  backtests: backtestRoutes,
  catalog: catalogRoutes,
  customers: customerRoutes,
  segments: segmentRoutes,
  audience: audienceRoutes,
  templates: templateRoutes,
  providers: providerRoutes,
  coupons: couponRoutes,
  messages: messageRoutes,
  channelSettings: channelSettingsRoutes,
  tracking: trackingRoutes,
  analytics: analyticsRoutes,
  auth: authRoutes,
  people: peopleRoutes,
  apiKeys: apiKeyRoutes,
  approvals: approvalRoutes,
  audit: auditRoutes,
  meta: metaRoutes,
} as const;

export const apiRoutes: readonly RouteContract[] = Object.values(apiRouteGroups).flatMap((group) =>
  Object.values<RouteContract>(group),
);
