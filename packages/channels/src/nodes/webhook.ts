/**
 * The `webhook` node: calls an external HTTP endpoint with a Liquid body over the customer and the run (a CRM task,
 * a shop's voucher API, a Slack alert for a high-value churn risk). Exactly once per run and step, within the
 * operator's address policy and with a provider's credentials only under its base URL: all of that is the
 * `webhooks` port's job (../webhooks/webhook-calls.ts on PostgreSQL); the kind never sees the database.
 */
import { z } from 'zod';
import { defineNode } from '@wakeflow/nodes/spec';
import { validateTemplate } from '../templates/validate';
import type { ChannelNodePorts } from './ports';

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'Not a header name');

export const webhookConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'Use an http(s) URL' }),
    method: z.enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']).default('POST'),
    headers: z.record(headerName, z.string().max(2_000)).default({}),
    /** Liquid over customer, entry and steps; `| json` quotes values for a JSON body. */
    body: z.string().max(20_000).optional(),
    contentType: z.string().max(200).default('application/json'),
    /** A `webhook` provider whose auth header is added (only for URLs under its base URL). */
    providerId: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(500).max(30_000).default(10_000),
  })
  .superRefine((c, ctx) => {
    if (!c.body) return;
    const check = validateTemplate({ channel: 'sms', body: c.body });
    for (const p of check.problems)
      ctx.addIssue({
        code: 'custom',
        path: ['body'],
        message: `Line ${p.line}, column ${p.column}: ${p.message}`,
      });
  });
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/** What the step writes for later steps: the endpoint's status and body (JSON when it parses). */
export const webhookOutputSchema = z.object({ status: z.number(), body: z.unknown() });
export type WebhookOutput = z.infer<typeof webhookOutputSchema>;

export const webhook = defineNode<typeof webhookConfigSchema, ChannelNodePorts>({
  type: 'webhook',
  version: 1,
  config: webhookConfigSchema,
  palette: {
    label: 'Webhook',
    description: 'Call an external HTTP endpoint (CRM, shop, chat alert)',
    icon: 'webhook',
    category: 'data',
    color: '#7c3aed',
  },
  outcomes: ['success', 'failure'],
  describe: (c) => `${c.method} ${new URL(c.url).host}${new URL(c.url).pathname}`,
  writes: webhookOutputSchema,
  activity: {
    startToCloseMs: 45_000,
    run: (input, ports) => ports.webhooks.callOnce(input),
  },
});
