/**
 * The `webhooks` port on PostgreSQL: calls a webhook step's endpoint exactly once per run and step. The call is
 * recorded in the message log under the run + step key and carries it as `Idempotency-Key`, so a retried activity
 * that already got an answer reuses it instead of calling again. Private and loopback targets are refused by the
 * operator's address policy. Credentials come from a `webhook` provider (encrypted), never from the node config,
 * which anyone editing the journey can read; they are only sent to URLs under that provider's base URL.
 */
import { and, eq } from 'drizzle-orm';
import { customers, messages, type Database } from '@wakeflow/db';
import { addressPolicyFromEnv, type AddressPolicy } from '../net/address-policy';
import { UnresolvableHostError } from '../net/resolve';
import { safeHttpRequest } from '../net/safe-http';
import { urlOutsideBase } from '../net/url-scope';
import type { WebhookCalls, WebhookCallResult } from '../nodes/ports';
import { webhookOutputSchema, type WebhookOutput } from '../nodes/webhook';
import { providerErrorFromTransport } from '../providers/http';
import { findProviderRow, readProviderSecrets } from '../providers/store';
import { classifyHttpStatus, excerpt, ProviderError } from '../providers/types';
import { loadSecretKeys, type SecretKeys } from '../secrets/keys';
import { providerUnavailable } from '../sender/failures';
import { renderTemplate, TemplateRenderError } from '../templates/render';
import { customerVariables, runContextVariables } from '../templates/variables';

export interface WebhookCallOptions {
  /** Decrypt providers' credentials; from the environment when absent. */
  keys?: SecretKeys;
  /** Which hosts may be called; from the environment when absent. */
  addressPolicy?: AddressPolicy;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return excerpt(text, 2_000);
  }
}

export function createWebhookCalls(db: Database, options: WebhookCallOptions = {}): WebhookCalls {
  return {
    async callOnce(input): Promise<WebhookCallResult> {
      const keys = options.keys ?? loadSecretKeys();
      const policy = options.addressPolicy ?? addressPolicyFromEnv();
      const config = input.config;
      const key = `${input.workflowId}#${input.nodeId}`;

      await db
        .insert(messages)
        .values({
          workspaceId: input.workspaceId,
          idempotencyKey: key,
          runId: input.runId,
          journeyId: input.journeyId,
          nodeId: input.nodeId,
          customerId: input.customerId,
          channel: 'webhook',
          category: 'transactional',
          recipient: config.url,
        })
        .onConflictDoNothing();
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.workspaceId, input.workspaceId), eq(messages.idempotencyKey, key)));
      if (!row) throw new Error(`Webhook log row ${key} missing`);
      const stored = webhookOutputSchema.safeParse(row.providerResponse);
      if (row.status === 'sent' && stored.success) return { outcome: 'success', output: stored.data };
      if (row.status === 'failed')
        return {
          outcome: 'failure',
          output: stored.success ? stored.data : { status: 0, body: row.reason },
        };

      const fail = async (reason: string, output: WebhookOutput): Promise<WebhookCallResult> => {
        await db
          .update(messages)
          .set({ status: 'failed', reason, providerResponse: output })
          .where(eq(messages.id, row.id));
        return { outcome: 'failure', output };
      };

      const headers: Record<string, string> = { ...config.headers, 'Idempotency-Key': key };
      if (config.providerId) {
        const provider = await findProviderRow(db, input.workspaceId, config.providerId);
        if (!provider || provider.channel !== 'webhook')
          return fail('provider_not_found', {
            status: 0,
            body: `No webhook provider ${config.providerId}`,
          });
        const base = typeof provider.settings.url === 'string' ? provider.settings.url : '';
        const outside = urlOutsideBase(config.url, base);
        if (outside) {
          return fail('provider_url_mismatch', {
            status: 0,
            body: `Credentials of ${config.providerId} are only sent to URLs under ${base || 'its base URL'} (${outside})`,
          });
        }
        const secrets = readProviderSecrets(keys, provider);
        const headerNameSetting =
          typeof provider.settings.authHeaderName === 'string'
            ? provider.settings.authHeaderName
            : 'Authorization';
        if (secrets.authHeaderValue) headers[headerNameSetting] = secrets.authHeaderValue;
      }

      let body: string | null = null;
      if (config.body && config.method !== 'GET') {
        const [customer] = await db
          .select()
          .from(customers)
          .where(and(eq(customers.workspaceId, input.workspaceId), eq(customers.id, input.customerId)));
        if (!customer) return fail('customer_not_found', { status: 0, body: 'customer not found' });
        const { entry, steps } = runContextVariables({
          entry: input.context.entry?.properties ?? {},
          steps: input.context.steps,
        });
        try {
          const rendered = await renderTemplate(
            { channel: 'sms', body: config.body },
            {
              customer: customerVariables(customer, new Date(input.at)),
              entry,
              steps,
              unsubscribe_url: '',
              message: { id: row.id, channel: 'webhook' },
              now: input.at,
            },
          );
          body = rendered.text;
        } catch (error) {
          if (error instanceof TemplateRenderError)
            return fail(`template_error: ${error.message}`, { status: 0, body: error.message });
          throw error;
        }
        headers['Content-Type'] = config.contentType;
      }

      await db
        .update(messages)
        .set({ dispatchedAt: row.dispatchedAt ?? new Date(), attempts: row.attempts + 1 })
        .where(eq(messages.id, row.id));
      try {
        const res = await safeHttpRequest(
          { url: config.url, method: config.method, headers, body, timeoutMs: config.timeoutMs },
          policy,
        );
        const output = { status: res.status, body: parseBody(res.body) };
        const failure = classifyHttpStatus(res.status);
        if (failure === 'transient')
          throw new ProviderError(`HTTP ${res.status}`, 'transient', {
            status: res.status,
            body: excerpt(res.body),
          });
        if (failure === 'permanent') return fail(`http_${res.status}`, output);
        await db
          .update(messages)
          .set({ status: 'sent', sentAt: new Date(), reason: null, providerResponse: output })
          .where(eq(messages.id, row.id));
        return { outcome: 'success', output };
      } catch (error) {
        const failure = providerErrorFromTransport(error);
        if (failure.kind === 'permanent') {
          const reason = error instanceof UnresolvableHostError ? 'host_not_found' : 'blocked';
          return fail(`${reason}: ${failure.message}`, { status: 0, body: failure.message });
        }
        await db
          .update(messages)
          .set({ reason: `retrying: ${failure.message}` })
          .where(eq(messages.id, row.id));
        throw providerUnavailable(failure.message, { messageId: row.id, ...failure.response });
      }
    },
  };
}
