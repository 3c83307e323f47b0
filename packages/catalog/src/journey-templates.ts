/**
 * Journey templates built from the installation's node kinds (built-in and custom), each from a requirement in
 * DOMAIN.md. A template names the segments, message templates and coupon pools it expects the workspace to have.
 */
import type { JourneyTemplate } from '@wakeflow/nodes';

const exit = (id: string, outcome: string) => ({ id, type: 'exit', config: { outcome } });

/** S-RE-3 / S-RE-4: the longer someone has been away, the bigger the reason to come back. */
export const gradedCouponsByDormancy: JourneyTemplate = {
  id: 'graded-coupons-by-dormancy',
  name: 'Graded coupons: 20 off at 3–6 months dormant, 50 off above a threshold at 6–12',
  description:
    'Customers 3–12 months dormant get a coupon graded by how long they have been away, in an email that names it; a purchase within 14 days counts as reactivated.',
  settings: {
    goal: { event: 'purchase', outcome: 'reactivated' },
    reentry: { mode: 'after', duration: { amount: 180, unit: 'days' } },
  },
  requires: { segments: ['dormant-3-12m'], templates: ['graded-coupon-email'] },
  graph: {
    nodes: [
      { id: 'trigger', type: 'audience_trigger', config: { segmentId: 'dormant-3-12m', everyMinutes: 1440 } },
      {
        id: 'offer',
        type: 'coupon_offer',
        name: 'Pick the coupon',
        config: {
          offers: [
            { name: 'twenty_off', poolId: 'return-20', minDaysInactive: 90, maxDaysInactive: 180 },
            {
              name: 'fifty_off_over_200',
              poolId: 'return-50-over-200',
              minDaysInactive: 180,
              maxDaysInactive: 365,
            },
          ],
        },
      },
      {
        id: 'coupon_email',
        type: 'send',
        name: 'Coupon email',
        config: { channel: 'email', templateId: 'graded-coupon-email' },
      },
      {
        id: 'wait_purchase',
        type: 'wait_for_event',
        config: { events: [{ event: 'purchase' }], timeout: { amount: 14, unit: 'days' } },
      },
      exit('returned', 'reactivated'),
      exit('not_returned', 'still_dormant'),
      exit('no_offer', 'no_offer'),
    ],
    edges: [
      { source: 'trigger', outcome: 'next', target: 'offer' },
      { source: 'offer', outcome: 'assigned', target: 'coupon_email' },
      { source: 'offer', outcome: 'none', target: 'no_offer' },
      { source: 'coupon_email', outcome: 'next', target: 'wait_purchase' },
      { source: 'wait_purchase', outcome: 'purchase', target: 'returned' },
      { source: 'wait_purchase', outcome: 'timeout', target: 'not_returned' },
    ],
  },
};

/** S-RE-5: double points in the birthday month, sent at 10:00 in the customer's own time zone. */
export const birthdayMonth: JourneyTemplate = {
  id: 'birthday-month',
  name: 'Birthday month: double points',
  description:
    'On the customer’s birthday month, a 10:00 local-time email and a double-points tag; did they buy within the month?',
  settings: { reentry: { mode: 'after', duration: { amount: 300, unit: 'days' } } },
  requires: { segments: ['birthday-this-month'], templates: ['birthday-double-points'] },
  graph: {
    nodes: [
      {
        id: 'trigger',
        type: 'audience_trigger',
        config: { segmentId: 'birthday-this-month', everyMinutes: 1440 },
      },
      {
        id: 'morning',
        type: 'delay',
        name: '10:00 local',
        config: { mode: 'local_time', time: '10:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
      },
      {
        id: 'birthday_email',
        type: 'send',
        name: 'Birthday email',
        config: { channel: 'email', templateId: 'birthday-double-points' },
      },
      {
        id: 'points',
        type: 'update_customer',
        name: 'Double points',
        config: { addTags: ['birthday_points_2x'] },
      },
      {
        id: 'wait_purchase',
        type: 'wait_for_event',
        config: { events: [{ event: 'purchase' }], timeout: { amount: 30, unit: 'days' } },
      },
      exit('bought', 'converted'),
      exit('no_purchase', 'no_purchase'),
    ],
    edges: [
      { source: 'trigger', outcome: 'next', target: 'morning' },
      { source: 'morning', outcome: 'next', target: 'birthday_email' },
      { source: 'birthday_email', outcome: 'next', target: 'points' },
      { source: 'points', outcome: 'next', target: 'wait_purchase' },
      { source: 'wait_purchase', outcome: 'purchase', target: 'bought' },
      { source: 'wait_purchase', outcome: 'timeout', target: 'no_purchase' },
    ],
  },
};

/** S-ID-7 / S-RE-2 / S-AU-6: customers at risk of churning get care — a personal call for the high-value ones. */
export const churnRiskCare: JourneyTemplate = {
  id: 'churn-risk-care',
  name: 'Churn risk: care flow, with a personal call for high-value customers',
  description:
    'Customers whose activity is falling (the churn-risk segment) get care: high-value ones a call from the service team within 48 hours and a personal letter, the others a what’s-new push; a login within 7 days counts.',
  settings: {
    goal: { event: 'purchase', outcome: 'retained' },
    reentry: { mode: 'after', duration: { amount: 60, unit: 'days' } },
  },
  requires: { segments: ['churn-risk'], templates: ['care-personal-letter', 'care-whats-new'] },
  graph: {
    nodes: [
      { id: 'trigger', type: 'audience_trigger', config: { segmentId: 'churn-risk', everyMinutes: 360 } },
      {
        id: 'high_value',
        type: 'branch',
        name: 'High value?',
        config: { condition: { kind: 'trait', field: 'facts.valueTier', op: 'eq', value: 'high' } },
      },
      {
        id: 'callback',
        type: 'create_service_callback_task',
        name: 'Call within 48 h',
        config: {
          reason: 'High-value customer at risk of churning: personal call',
          priority: 'high',
          dueIn: { amount: 48, unit: 'hours' },
        },
      },
      {
        id: 'letter',
        type: 'send',
        name: 'Personal letter',
        config: { channel: 'email', templateId: 'care-personal-letter' },
      },
      {
        id: 'whats_new',
        type: 'send',
        name: 'What’s new',
        config: { channel: 'push', templateId: 'care-whats-new' },
      },
      {
        id: 'wait_login',
        type: 'wait_for_event',
        config: { events: [{ event: 'login' }], timeout: { amount: 7, unit: 'days' } },
      },
      exit('cared', 'cared_personally'),
      exit('came_back', 'active_again'),
      exit('still_quiet', 'still_at_risk'),
    ],
    edges: [
      { source: 'trigger', outcome: 'next', target: 'high_value' },
      { source: 'high_value', outcome: 'yes', target: 'callback' },
      { source: 'callback', outcome: 'next', target: 'letter' },
      { source: 'letter', outcome: 'next', target: 'cared' },
      { source: 'high_value', outcome: 'no', target: 'whats_new' },
      { source: 'whats_new', outcome: 'next', target: 'wait_login' },
      { source: 'wait_login', outcome: 'login', target: 'came_back' },
      { source: 'wait_login', outcome: 'timeout', target: 'still_quiet' },
    ],
  },
};
