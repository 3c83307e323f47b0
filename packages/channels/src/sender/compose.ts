/**
 * A message's content as the sender stores it at dispatch (the `payload` column): rendered from the template for
 * the customer, links instrumented, unsubscribe headers added. Every later attempt sends exactly this.
 */
import type { customers, templates } from '@wakeflow/db';
import type { SendRequest } from '@wakeflow/nodes/spec';
import type { ChannelSettings } from '../rules/channel-settings';
import type { SecretKeys } from '../secrets/keys';
import { renderTemplate, TemplateRenderError, type RenderedMessage } from '../templates/render';
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

/**
 * The template rendered for the customer, with the message's own unsubscribe link; a template that fails for this
 * customer is `template_error: …`. Shared by the sender and test sends (which send it as is, untracked).
 */
export async function renderForCustomer(input: {
  template: typeof templates.$inferSelect;
  customer: typeof customers.$inferSelect;
  channel: string;
  /** The run context (`{ entry, steps }`); a test send has none. */
  context: Record<string, unknown>;
  links: LinkContext;
  at: Date;
}): Promise<{ rendered: RenderedMessage; unsubscribe: string } | { error: string }> {
  const { customer, channel, links } = input;
  const unsubscribe = unsubscribeUrl(links, customer.id, channel);
  try {
    const rendered = await renderTemplate(
      input.template,
      messageVariables({
        customer,
        at: input.at,
        context: input.context,
        unsubscribeUrl: unsubscribe,
        messageId: links.messageId,
        channel,
      }),
    );
    return { rendered, unsubscribe };
  } catch (error) {
    if (error instanceof TemplateRenderError) return { error: `template_error: ${error.message}` };
    throw error;
  }
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
  const composed = await renderForCustomer({
    template,
    customer,
    channel: req.channel,
    context: req.context,
    links,
    at: input.at,
  });
  if ('error' in composed) return composed;
  const { rendered, unsubscribe } = composed;
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
