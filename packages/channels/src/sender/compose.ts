/**
 * A message's content as the sender stores it at dispatch (the `payload` column): rendered from the template for
 * the customer, links instrumented, unsubscribe headers added. Every later attempt sends exactly this.
 */
import type { customers, templates } from '@wakeflow/db';
import type { SendRequest } from '@wakeflow/nodes/spec';
import type { ChannelSettings } from '../rules/channel-settings';
import type { SecretKeys } from '../secrets/keys';
import { renderTemplate, TemplateRenderError } from '../templates/render';
import { messageVariables } from '../templates/variables';
import { instrumentHtml, unsubscribeUrl, type LinkContext } from '../tracking/links';

export interface StoredPayload {
  to: string;
  subject: string | null;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  unsubscribeUrl: string | null;
}

/** The stored payload of a dispatched row; null when it is missing or not one. */
export function readPayload(value: Record<string, unknown> | null): StoredPayload | null {
  if (!value || typeof value.to !== 'string' || typeof value.text !== 'string') return null;
  const headers: Record<string, string> = {};
  if (typeof value.headers === 'object' && value.headers !== null) {
    for (const [k, v] of Object.entries(value.headers)) if (typeof v === 'string') headers[k] = v;
  }
  return {
    to: value.to,
    subject: typeof value.subject === 'string' ? value.subject : null,
    text: value.text,
    html: typeof value.html === 'string' ? value.html : null,
    headers,
    unsubscribeUrl: typeof value.unsubscribeUrl === 'string' ? value.unsubscribeUrl : null,
  };
}

/** Renders the message for `to`; a template that fails for this customer is `template_error: …`. */
export async function composePayload(input: {
  req: SendRequest;
  messageId: string;
  customer: typeof customers.$inferSelect;
  template: typeof templates.$inferSelect;
  settings: ChannelSettings;
  to: string;
  at: Date;
  keys: SecretKeys;
  publicBaseUrl: string;
}): Promise<StoredPayload | { error: string }> {
  const { req, customer, template, settings } = input;
  const links: LinkContext = {
    keys: input.keys,
    publicBaseUrl: input.publicBaseUrl,
    workspaceId: req.workspaceId,
    messageId: input.messageId,
  };
  const unsubscribe = unsubscribeUrl(links, customer.id, req.channel);
  let rendered;
  try {
    rendered = await renderTemplate(
      template,
      messageVariables({
        customer,
        at: input.at,
        context: req.context,
        unsubscribeUrl: unsubscribe,
        messageId: input.messageId,
        channel: req.channel,
      }),
    );
  } catch (error) {
    if (error instanceof TemplateRenderError) return { error: `template_error: ${error.message}` };
    throw error;
  }
  const html = rendered.html
    ? instrumentHtml(rendered.html, links, { ...settings.tracking, unsubscribeUrl: unsubscribe })
    : null;
  const headers: Record<string, string> =
    req.channel === 'email' && template.category === 'marketing'
      ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
      : {};
  return {
    to: input.to,
    subject: rendered.subject,
    text: rendered.text,
    html,
    headers,
    unsubscribeUrl: unsubscribe,
  };
}
