/**
 * Rendering a template for one customer. Strict: a reference to something the run does not have (e.g.
 * `steps.offer.code` when the coupon step was skipped) is an error rather than a message with a hole in it; authors
 * who mean "optional" write `| default: …`, which strict mode permits.
 */
import { templateEngine, TEMPLATE_LIMITS, type TemplateOutput } from './engine';
import type { TemplateContent, TemplateField } from './schema';
import type { TemplateVariables } from './variables';
import { liquidErrorPosition } from './validate';

export interface RenderedMessage {
  subject: string | null;
  text: string;
  html: string | null;
}

export class TemplateRenderError extends Error {
  constructor(
    readonly field: TemplateField,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${field} ${line}:${column}: ${detail}`);
    this.name = 'TemplateRenderError';
  }
}

async function renderField(
  field: TemplateField,
  source: string,
  output: TemplateOutput,
  variables: TemplateVariables,
  strict: boolean,
): Promise<string> {
  const engine = templateEngine(output);
  try {
    const parsed = engine.parse(source);
    const rendered: unknown = await engine.render(parsed, variables, {
      strictVariables: strict,
      ownPropertyOnly: true,
      renderLimit: TEMPLATE_LIMITS.renderLimit,
      memoryLimit: TEMPLATE_LIMITS.memoryLimit,
      templateLimit: TEMPLATE_LIMITS.templateLimit,
    });
    return String(rendered);
  } catch (error) {
    const { line, column, message } = liquidErrorPosition(error);
    throw new TemplateRenderError(field, line, column, message);
  }
}

export async function renderTemplate(
  template: TemplateContent,
  variables: TemplateVariables,
  options: { strict?: boolean } = {},
): Promise<RenderedMessage> {
  const strict = options.strict ?? true;
  const subject = template.subject
    ? (await renderField('subject', template.subject, 'text', variables, strict)).trim()
    : null;
  const text = await renderField('body', template.body, 'text', variables, strict);
  const html =
    template.channel === 'email' && template.html
      ? await renderField('html', template.html, 'html', variables, strict)
      : null;
  return { subject, text, html };
}
