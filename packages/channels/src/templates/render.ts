/**
 * Rendering a template for one customer. Strict: a reference to something the run does not have (e.g.
 * `steps.offer.code` when the coupon step was skipped) is an error rather than a message with a hole in it; authors
 * who mean "optional" write `| default: …`, which strict mode permits.
 */
import type { Liquid } from 'liquidjs';
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

/** Which of the bounds in TEMPLATE_LIMITS a render ran into. */
export type TemplateLimit = 'render_time' | 'memory' | 'parse_length';

/**
 * liquidjs reports its limits only by message (its Limiter names the resource), so that text is the one place we
 * recognise them; each becomes a sentence that names our limit and what to change.
 */
const LIMIT_MESSAGES: { pattern: RegExp; limit: TemplateLimit; explain: (field: TemplateField) => string }[] =
  [
    {
      pattern: /template render limit exceeded/,
      limit: 'render_time',
      explain: (field) =>
        `The ${field} took longer than ${TEMPLATE_LIMITS.renderLimit} ms to render (the template render time limit); make its loops smaller`,
    },
    {
      pattern: /memory alloc limit exceeded/,
      limit: 'memory',
      explain: (field) =>
        `The ${field} builds more than ${TEMPLATE_LIMITS.memoryLimit.toLocaleString('en')} units of text and lists (the template memory limit); make its loops and ranges smaller`,
    },
    {
      pattern: /parse length limit exceeded/,
      limit: 'parse_length',
      explain: (field) =>
        `The ${field} is longer than ${TEMPLATE_LIMITS.parseLimit.toLocaleString('en')} characters (the template length limit)`,
    },
  ];

/** A render stopped by one of the sandbox's bounds: the template, not the customer's data, needs to change. */
export class TemplateLimitError extends TemplateRenderError {
  constructor(
    field: TemplateField,
    line: number,
    column: number,
    readonly limit: TemplateLimit,
    explanation: string,
  ) {
    super(field, line, column, explanation);
    this.name = 'TemplateLimitError';
  }
}

/** Parsed templates by output and source: a batch renders one template for a thousand customers. */
const parsed = new Map<string, ReturnType<Liquid['parse']>>();
/** Sources kept at most; the oldest goes first (a worker renders a few templates, an editor many drafts). */
const PARSED_LIMIT = 200;

function parseOnce(engine: Liquid, output: TemplateOutput, source: string): ReturnType<Liquid['parse']> {
  const key = `${output}\u0000${source}`;
  let templates = parsed.get(key);
  if (!templates) {
    templates = engine.parse(source);
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, templates);
  }
  return templates;
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
    const rendered: unknown = await engine.render(parseOnce(engine, output, source), variables, {
      strictVariables: strict,
      ownPropertyOnly: true,
      renderLimit: TEMPLATE_LIMITS.renderLimit,
      memoryLimit: TEMPLATE_LIMITS.memoryLimit,
      templateLimit: TEMPLATE_LIMITS.templateLimit,
    });
    return String(rendered);
  } catch (error) {
    const { line, column, message } = liquidErrorPosition(error);
    const bound = LIMIT_MESSAGES.find((l) => l.pattern.test(message));
    if (bound) throw new TemplateLimitError(field, line, column, bound.limit, bound.explain(field));
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
