/**
 * The ports this package's node kinds need beyond the standard ones: calling a webhook exactly once per run and
 * step, and giving a coupon. Interfaces only, so the kinds never see the database; the worker's implementations are
 * in ./adapters.ts (`createChannelNodeAdapters`).
 */
import type { NodePorts, NodeRunInput } from '@wakeflow/nodes/spec';
import type { WebhookConfig, WebhookOutput } from './webhook';

export interface WebhookCallResult {
  outcome: 'success' | 'failure';
  output: WebhookOutput;
}

export interface WebhookCalls {
  /**
   * Calls the endpoint for this run and step, or returns the answer an earlier attempt already recorded. Throws on
   * a temporary failure (the activity is retried), answers `failure` on a permanent one.
   */
  callOnce(input: NodeRunInput<WebhookConfig>): Promise<WebhookCallResult>;
}

/** What a coupon offer is chosen by. */
export interface CouponStanding {
  /** Days since the customer's latest activity, login or purchase at the step's time; null if they never did any. */
  daysInactive: number | null;
  valueTier: string | null;
}

export interface CouponClaim {
  workspaceId: string;
  customerId: string;
  poolId: string;
  /** Stable across retries (run + step): a retried step gets the code it already took. */
  claimKey: string;
  at: Date;
}

export interface ClaimedCoupon {
  poolId: string;
  code: string;
  valueCents: number;
  minSpendCents: number;
  currency: string;
  expiresAt: string | null;
}

export interface CouponDesk {
  /** The customer's standing at `at`; null for a customer the workspace does not have. */
  standing(ref: { workspaceId: string; customerId: string }, at: Date): Promise<CouponStanding | null>;
  /** One code of the pool for this claim key, the same on every retry; null when the pool has none left. */
  claimOnce(claim: CouponClaim): Promise<ClaimedCoupon | null>;
}

export interface ChannelNodePorts extends NodePorts {
  webhooks: WebhookCalls;
  coupons: CouponDesk;
}
