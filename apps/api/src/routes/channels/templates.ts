/**
 * Message templates: CRUD, validation with line and column, and preview against a chosen customer. A template
 * that does not parse or names an unknown variable is refused with 422 and the list of problems; one whose preview
 * runs into a render limit (time, memory) is 422 `template_limit_exceeded`, naming the limit.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  InvalidTemplateError,
  listTemplates,
  previewRequestSchema,
  previewTemplate,
  templateChannels,
  templateIdSchema,
  templateInputSchema,
  templatePatchSchema,
  TemplateLimitError,
  updateTemplate,
  validateTemplate,
} from '@wakeflow/channels';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import { channelOptions, type ChannelApiDeps } from './context';

const idParams = z.object({ id: templateIdSchema });
const draftSchema = z.object({
  channel: z.enum(templateChannels),
  subject: z.string().max(2_000).nullish(),
  body: z.string().max(100_000),
  html: z.string().max(200_000).nullish(),
});

function limitExceeded(error: unknown): never {
  if (error instanceof TemplateLimitError) {
    throw new HttpError(422, 'template_limit_exceeded', error.detail, {
      limit: error.limit,
      templateProblems: [
        {
          field: error.field,
          line: error.line,
          column: error.column,
          code: 'limit_exceeded',
          message: error.detail,
        },
      ],
    });
  }
  throw error;
}

function invalid(error: unknown): never {
  if (error instanceof InvalidTemplateError) {
    throw new HttpError(422, 'invalid_template', `The template has ${error.problems.length} problem(s)`, {
      templateProblems: error.problems,
    });
  }
  throw error;
}

export function templateRoutes(deps: ChannelApiDeps): Router {
  const { db } = deps;
  const options = channelOptions(deps);
  const router = Router();

  router.get('/templates', async (req, res) => {
    const { channel } = parseInput(
      z.object({ channel: z.enum(templateChannels).optional() }),
      req.query,
      'query',
    );
    res.json({ templates: await listTemplates(db, workspaceOf(res), channel) });
  });

  router.post('/templates/validate', (req, res) => {
    const draft = parseInput(draftSchema, req.body, 'body');
    res.json(validateTemplate(draft));
  });

  router.post('/templates/preview', async (req, res) => {
    const body = parseInput(
      z.object({ template: draftSchema, context: previewRequestSchema }),
      req.body,
      'body',
    );
    const result = await previewTemplate(
      db,
      options.keys,
      options.publicBaseUrl,
      workspaceOf(res),
      body.template,
      body.context,
    ).catch(limitExceeded);
    if (!result) throw notFound('Customer');
    res.json(result);
  });

  router.post('/templates', async (req, res) => {
    const input = parseInput(templateInputSchema, req.body, 'body');
    const created = await createTemplate(db, workspaceOf(res), input).catch(invalid);
    if (!created) throw new HttpError(409, 'conflict', `A template “${input.id}” already exists`);
    res.status(201).json({ template: created });
  });

  router.get('/templates/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const template = await getTemplate(db, workspaceOf(res), id);
    if (!template) throw notFound('Template');
    res.json({ template });
  });

  router.patch('/templates/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const patch = parseInput(templatePatchSchema, req.body, 'body');
    const updated = await updateTemplate(db, workspaceOf(res), id, patch).catch(invalid);
    if (!updated) throw notFound('Template');
    res.json({ template: updated });
  });

  router.delete('/templates/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    if (!(await deleteTemplate(db, workspaceOf(res), id))) throw notFound('Template');
    res.status(204).end();
  });

  router.post('/templates/:id/preview', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const context = parseInput(previewRequestSchema, req.body, 'body');
    const template = await getTemplate(db, workspaceOf(res), id);
    if (!template) throw notFound('Template');
    const result = await previewTemplate(
      db,
      options.keys,
      options.publicBaseUrl,
      workspaceOf(res),
      template,
      context,
    ).catch(limitExceeded);
    if (!result) throw notFound('Customer');
    res.json(result);
  });

  return router;
}
