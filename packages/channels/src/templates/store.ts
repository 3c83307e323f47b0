/**
 * Templates in the database. Every write is validated first (`validateTemplate`), so a stored template always
 * parses and only names variables a template can have; the publish check re-validates in case the rules changed.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { templates, type Database } from '@wakeflow/db';
import { templateInputSchema, templatePatchSchema, type TemplateInput, type TemplatePatch } from './schema';
import { validateTemplate, type TemplateProblem } from './validate';

type TemplateRow = typeof templates.$inferSelect;

export interface TemplateView {
  id: string;
  channel: 'email' | 'sms' | 'push';
  name: string;
  subject: string | null;
  body: string;
  html: string | null;
  category: 'marketing' | 'transactional';
  createdAt: string;
  updatedAt: string;
}

export class InvalidTemplateError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => `${p.field} ${p.line}:${p.column} ${p.message}`).join('; '));
    this.name = 'InvalidTemplateError';
  }
}

export function templateView(row: TemplateRow): TemplateView {
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    subject: row.subject,
    body: row.body,
    html: row.html,
    category: row.category,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function assertValid(t: {
  channel: TemplateRow['channel'];
  subject?: string | null;
  body: string;
  html?: string | null;
}): void {
  const check = validateTemplate(t);
  if (!check.ok) throw new InvalidTemplateError(check.problems);
}

/** Null when a template with that id exists. */
export async function createTemplate(
  db: Database,
  workspaceId: string,
  input: TemplateInput,
): Promise<TemplateView | null> {
  const t = templateInputSchema.parse(input);
  assertValid(t);
  const [row] = await db
    .insert(templates)
    .values({
      workspaceId,
      id: t.id,
      channel: t.channel,
      name: t.name,
      subject: t.subject ?? null,
      body: t.body,
      html: t.html ?? null,
      category: t.category,
    })
    .onConflictDoNothing()
    .returning();
  return row ? templateView(row) : null;
}

export async function updateTemplate(
  db: Database,
  workspaceId: string,
  id: string,
  patch: TemplatePatch,
): Promise<TemplateView | null> {
  const p = templatePatchSchema.parse(patch);
  const [current] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)));
  if (!current) return null;
  const next = {
    channel: current.channel,
    name: p.name ?? current.name,
    subject: p.subject !== undefined ? p.subject : current.subject,
    body: p.body ?? current.body,
    html: p.html !== undefined ? p.html : current.html,
    category: p.category ?? current.category,
  };
  templateInputSchema.parse({ id, ...next });
  assertValid(next);
  const [row] = await db
    .update(templates)
    .set({ ...next, updatedAt: new Date() })
    .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)))
    .returning();
  return row ? templateView(row) : null;
}

export async function deleteTemplate(db: Database, workspaceId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(templates)
    .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)))
    .returning({ id: templates.id });
  return rows.length > 0;
}

export async function listTemplates(
  db: Database,
  workspaceId: string,
  channel?: TemplateRow['channel'],
): Promise<TemplateView[]> {
  const rows = await db
    .select()
    .from(templates)
    .where(
      channel
        ? and(eq(templates.workspaceId, workspaceId), eq(templates.channel, channel))
        : eq(templates.workspaceId, workspaceId),
    )
    .orderBy(asc(templates.id));
  return rows.map(templateView);
}

export async function getTemplate(
  db: Database,
  workspaceId: string,
  id: string,
): Promise<TemplateView | null> {
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.workspaceId, workspaceId), eq(templates.id, id)));
  return row ? templateView(row) : null;
}

export interface TemplatePublishProblem {
  templateId: string;
  message: string;
  problems: TemplateProblem[];
}

/**
 * For the publish check: templates a journey uses that are missing, invalid, or read `steps.<id>` of a step the
 * journey does not have. `stepIds` are the ids of the journey's steps (null skips that check).
 */
export async function checkTemplatesForPublish(
  db: Database,
  workspaceId: string,
  usage: { templateId: string; channel?: string }[],
  stepIds: ReadonlySet<string> | null,
): Promise<TemplatePublishProblem[]> {
  const ids = [...new Set(usage.map((u) => u.templateId))];
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(templates)
    .where(and(eq(templates.workspaceId, workspaceId), inArray(templates.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: TemplatePublishProblem[] = [];
  for (const u of usage) {
    const row = byId.get(u.templateId);
    if (!row) {
      out.push({
        templateId: u.templateId,
        message: `Template “${u.templateId}” does not exist`,
        problems: [],
      });
      continue;
    }
    if (u.channel && u.channel !== row.channel) {
      out.push({
        templateId: u.templateId,
        message: `Template “${u.templateId}” is for ${row.channel}, not ${u.channel}`,
        problems: [],
      });
    }
    const check = validateTemplate(row);
    if (!check.ok)
      out.push({
        templateId: u.templateId,
        message: `Template “${u.templateId}” has errors`,
        problems: check.problems,
      });
    if (stepIds) {
      const unknown = check.stepReferences.filter((s) => !stepIds.has(s));
      if (unknown.length) {
        out.push({
          templateId: u.templateId,
          message: `Template “${u.templateId}” reads steps.${unknown.join(', steps.')}, which this journey does not have`,
          problems: [],
        });
      }
    }
  }
  return out;
}
