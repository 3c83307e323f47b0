/**
 * `validateTemplate()`: what the API runs before saving a template. It refuses source that does not parse and
 * references to names a template can never have (`custmer.name`, `customer.fist_name`), each with its field,
 * line and column, so the editor can underline them. Names under `entry`, `steps` and `customer.traits` are free:
 * they depend on the journey, and a missing one fails at send time (strict rendering) instead of sending a blank.
 */
import { LiquidError, type Template } from 'liquidjs';
import { templateEngine, type TemplateOutput } from './engine';
import type { TemplateContent, TemplateField } from './schema';
import { CUSTOMER_FIELDS, TEMPLATE_ROOTS } from './variables';

export interface TemplateProblem {
  field: TemplateField;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  code: 'parse_error' | 'unknown_variable';
  message: string;
}

export interface TemplateValidation {
  ok: boolean;
  problems: TemplateProblem[];
  /** Step ids the template reads (`steps.offer.code` → `offer`), for the publish check against the journey. */
  stepReferences: string[];
}

const roots = new Set<string>(TEMPLATE_ROOTS);
const customerFields = new Set<string>(CUSTOMER_FIELDS);

function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Position and message of a liquidjs error; its message repeats the position, which we report separately. */
export function liquidErrorPosition(error: unknown): { line: number; column: number; message: string } {
  if (error instanceof LiquidError) {
    const [line = 1, column = 1] = error.token.getPosition();
    const message = error.message.replace(/, line:\d+, col:\d+$/, '');
    return { line, column, message };
  }
  return { line: 1, column: 1, message: error instanceof Error ? error.message : String(error) };
}

function parseField(
  field: TemplateField,
  source: string,
  output: TemplateOutput,
  problems: TemplateProblem[],
): Template[] | null {
  try {
    return templateEngine(output).parse(source);
  } catch (error) {
    problems.push({ field, code: 'parse_error', ...liquidErrorPosition(error) });
    return null;
  }
}

function checkReferences(
  field: TemplateField,
  parsed: Template[],
  output: TemplateOutput,
  problems: TemplateProblem[],
  steps: Set<string>,
): void {
  const analysis = templateEngine(output).analyzeSync(parsed);
  for (const [root, uses] of Object.entries(analysis.globals)) {
    for (const variable of uses) {
      const position = { line: variable.location.row, column: variable.location.col };
      if (!roots.has(root)) {
        const hint = closest(root, roots);
        problems.push({
          field,
          code: 'unknown_variable',
          ...position,
          message: `Unknown variable “${root}”${hint ? ` — did you mean “${hint}”?` : ''} Templates can use ${TEMPLATE_ROOTS.join(', ')}.`,
        });
        continue;
      }
      const second = variable.segments[1];
      if (root === 'customer' && typeof second === 'string' && !customerFields.has(second)) {
        const hint = closest(second, customerFields);
        problems.push({
          field,
          code: 'unknown_variable',
          ...position,
          message: `Unknown customer field “${second}”${hint ? ` — did you mean “customer.${hint}”?` : ''} Custom data is under customer.traits.${second}.`,
        });
      }
      if (root === 'steps' && typeof second === 'string') steps.add(second);
    }
  }
}

export function validateTemplate(template: TemplateContent): TemplateValidation {
  const problems: TemplateProblem[] = [];
  const steps = new Set<string>();
  const fields: [TemplateField, string | null | undefined, TemplateOutput][] = [
    ['subject', template.subject, 'text'],
    ['body', template.body, 'text'],
    ['html', template.channel === 'email' ? template.html : null, 'html'],
  ];
  for (const [field, source, output] of fields) {
    if (source === null || source === undefined) continue;
    const parsed = parseField(field, source, output, problems);
    if (parsed) checkReferences(field, parsed, output, problems, steps);
  }
  problems.sort((a, b) => a.field.localeCompare(b.field) || a.line - b.line || a.column - b.column);
  return { ok: problems.length === 0, problems, stepReferences: [...steps].sort() };
}
