/** The worker's implementations of this package's node ports (./ports.ts), on PostgreSQL. Worker-side only. */
import type { Database } from '@wakeflow/db';
import { createCouponDesk } from '../coupons/coupon-desk';
import { createWebhookCalls, type WebhookCallOptions } from '../webhooks/webhook-calls';
import type { ChannelNodePorts } from './ports';

export function createChannelNodeAdapters(
  db: Database,
  options: WebhookCallOptions = {},
): Pick<ChannelNodePorts, 'webhooks' | 'coupons'> {
  return { webhooks: createWebhookCalls(db, options), coupons: createCouponDesk(db) };
}
