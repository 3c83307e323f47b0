/**
 * Every route module of the API. A module is a function of the API's deps returning a router mounted under /api;
 * add yours to this list.
 */
import type { Router } from 'express';
import type { ApiDeps } from '../deps';
import { analyticsRoutes } from './analytics/index';
import { customerRoutes } from './audience/customers';
import { authRoutes } from './auth/index';
import { backtestRoutes } from './backtests';
import { audienceOverviewRoutes } from './audience/overview';
import { segmentRoutes } from './audience/segments';
import { catalogRoutes } from './catalog';
import { channelRoutes } from './channels/index';
import { ingestRoutes } from './ingest';
import { journeyPreviewRoutes } from './journey-preview';
import { journeyRoutes } from './journeys';
import { launchEstimateRoutes } from './launch-estimate';
import { referenceRoutes } from './reference';
import { runRoutes } from './runs';
import { testSendRoutes } from './test-sends';

export type RouteModule = (deps: ApiDeps) => Router;

export const routeModules: RouteModule[] = [
  authRoutes,
  catalogRoutes,
  journeyRoutes,
  journeyPreviewRoutes,
  launchEstimateRoutes,
  testSendRoutes,
  backtestRoutes,
  runRoutes,
  ingestRoutes,
  channelRoutes,
  customerRoutes,
  segmentRoutes,
  audienceOverviewRoutes,
  analyticsRoutes,
  referenceRoutes,
];
