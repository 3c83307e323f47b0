/** The measurement area's routes (issue 8), mounted as one route module. */
import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { analyticsCustomerRoutes } from './customers';
import { analyticsExperimentRoutes } from './experiments';
import { analyticsResultRoutes } from './results';

export function analyticsRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.use(analyticsResultRoutes(deps));
  router.use(analyticsExperimentRoutes(deps));
  router.use(analyticsCustomerRoutes(deps));
  return router;
}
