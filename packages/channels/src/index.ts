/**
 * @wakeflow/channels: personalised messages (templates, providers), sent exactly once within the workspace's rules
 * (consent, frequency caps, quiet hours, rate limits), plus coupons, engagement tracking and the webhook node.
 */
export * from './secrets/keys';
export * from './secrets/secret-box';
export * from './secrets/signed-token';

export * from './templates/engine';
export * from './templates/schema';
export * from './templates/variables';
export * from './templates/validate';
export * from './templates/render';
export * from './templates/store';
export * from './templates/preview';

export * from './net/address-policy';
export * from './net/resolve';
export * from './net/safe-http';
export * from './net/url-scope';

export * from './providers/types';
export * from './providers/log';
export * from './providers/smtp';
export * from './providers/http';
export * from './providers/twilio';
export * from './providers/web-push';
export * from './providers/kinds';
export * from './providers/store';
export * from './providers/resolver';

export * from './rules/channel-settings';
export * from './rules/consent';
export * from './rules/send-time';
export * from './rules/send-rules';
export * from './rules/frequency-cap';
export * from './rules/rate-limiter';

export * from './tracking/events';
export * from './tracking/links';
export * from './tracking/engagement';

export * from './sender/acceptance-journal';
export * from './sender/failures';
export * from './sender/message-sender';
export * from './sender/test-send';

export * from './coupons/pattern';
export * from './coupons/pools';
export * from './coupons/claim';
export * from './coupons/redemption';

export {
  webhook,
  webhookConfigSchema,
  webhookOutputSchema,
  type WebhookConfig,
  type WebhookOutput,
} from './nodes/webhook';
export * from './nodes/ports';
export { createChannelNodeAdapters } from './nodes/adapters';
export { createWebhookCalls, type WebhookCallOptions } from './webhooks/webhook-calls';
export { createCouponDesk } from './coupons/coupon-desk';
export {
  couponOffer,
  chooseOffer,
  couponOfferConfigSchema,
  type CouponOfferConfig,
} from './nodes/coupon-offer';

import type { NodeKind } from '@wakeflow/nodes/spec';
import { couponOffer } from './nodes/coupon-offer';
import { webhook } from './nodes/webhook';

/** Node kinds this package adds to the catalog: `createBuiltinCatalog(channelNodes)`. */
export const channelNodes: readonly NodeKind[] = [webhook, couponOffer];
