/**
 * Preview: a template (stored or as being edited) rendered for a chosen customer with a sample run context.
 * Unlike sending, preview does not fail on a missing value: strict-mode errors are reported with their position and
 * the text is rendered leniently, so the editor can show both the problem and the rest of the message. A template
 * that runs into a render limit (`TemplateLimitError`) is thrown instead: a lenient render would hit it again.
 */
import { and, eq } from 'drizzle-orm';
import { previewRequestSchema, type PreviewRequest } from '@wakeflow/contracts';
import { customers, type Database } from '@wakeflow/db';
import type { SecretKeys } from '../secrets/keys';
import { unsubscribeUrl } from '../tracking/links';
import { renderTemplate, TemplateLimitError, TemplateRenderError, type RenderedMessage } from './render';
import type { TemplateContent } from './schema';
import { validateTemplate, type TemplateProblem } from './validate';
import { customerVariables } from './variables';

// Whom to preview for is part of the HTTP contract (`POST /api/templates/preview`).
export { previewRequestSchema, type PreviewRequest };

export interface PreviewResult {
  rendered: RenderedMessage;
  problems: (
    TemplateProblem | { field: string; line: number; column: number; code: 'render_error'; message: string }
  )[];
}

const PREVIEW_MESSAGE_ID = '00000000-0000-0000-0000-000000000000';

export async function previewTemplate(
  db: Database,
  keys: SecretKeys,
  publicBaseUrl: string,
  workspaceId: string,
  template: TemplateContent,
  request: PreviewRequest,
): Promise<PreviewResult | null> {
  const r = previewRequestSchema.parse(request);
  const uuid = /^[0-9a-f-]{36}$/i;
  const [customer] = await db
    .select()
    .from(customers)
    .where(
      and(
        eq(customers.workspaceId, workspaceId),
        r.customerId && uuid.test(r.customerId)
          ? eq(customers.id, r.customerId)
          : eq(customers.externalId, r.externalId ?? r.customerId ?? ''),
      ),
    );
  if (!customer) return null;
  const validation = validateTemplate(template);
  const links = { keys, publicBaseUrl, workspaceId, messageId: PREVIEW_MESSAGE_ID };
  const unsubscribe = unsubscribeUrl(links, customer.id, template.channel);
  const now = new Date();
  const variables = {
    customer: customerVariables(customer, now),
    entry: r.entry,
    steps: r.steps,
    unsubscribe_url: unsubscribe,
    message: { id: PREVIEW_MESSAGE_ID, channel: template.channel },
    now: now.toISOString(),
  };
  const problems: PreviewResult['problems'] = [...validation.problems];
  if (!validation.ok) return { rendered: { subject: null, text: '', html: null }, problems };
  let rendered: RenderedMessage;
  try {
    rendered = await renderTemplate(template, variables, { strict: true });
  } catch (error) {
    if (!(error instanceof TemplateRenderError) || error instanceof TemplateLimitError) throw error;
    problems.push({
      field: error.field,
      line: error.line,
      column: error.column,
      code: 'render_error',
      message: error.detail,
    });
    rendered = await renderTemplate(template, variables, { strict: false });
  }
  return { rendered, problems };
}
