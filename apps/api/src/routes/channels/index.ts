/** All channel routes as one route module: templates, providers, rules, coupons, message log, tracking links. */
import { Router } from 'express';
import type { ChannelApiDeps } from './context';
import { couponRoutes } from './coupons';
import { messageRoutes } from './messages';
import { providerRoutes } from './providers';
import { channelSettingsRoutes } from './settings';
import { templateRoutes } from './templates';
import { trackingRoutes } from './tracking';

export function channelRoutes(deps: ChannelApiDeps): Router {
  const router = Router();
  router.use(templateRoutes(deps));
  router.use(providerRoutes(deps));
  router.use(channelSettingsRoutes(deps));
  router.use(couponRoutes(deps));
  router.use(messageRoutes(deps));
  router.use(trackingRoutes(deps));
  return router;
}
