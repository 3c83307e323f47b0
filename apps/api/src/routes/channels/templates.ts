/**
 * Message templates: CRUD, validation with line and column, and preview against a chosen customer. A template
 * that does not parse or names an unknown variable is refused with 422 and the list of problems; one whose preview
 * runs into a render limit (time, memory) is 422 `template_limit_exceeded`, naming the limit.
 */
import { Router } from 'express';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  InvalidTemplateError,
  listTemplates,
  previewTemplate,
  TemplateLimitError,
  updateTemplate,
  validateTemplate,
} from '@wakeflow/channels';
import { templateRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import { assertUnused } from '../../journeys/references';
import { channelOptions, type ChannelApiDeps } from './context';

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
    const { channel } = parseInput(contract.list.query, req.query, 'query');
    answer(res, contract.list, 200, { templates: await listTemplates(db, workspaceOf(res), channel) });
  });

  router.post('/templates/validate', (req, res) => {
    const draft = parseInput(contract.validate.body, req.body, 'body');
    answer(res, contract.validate, 200, validateTemplate(draft));
  });

  router.post('/templates/preview', async (req, res) => {
    const body = parseInput(contract.previewDraft.body, req.body, 'body');
    const result = await previewTemplate(
      db,
      options.keys,
      options.publicBaseUrl,
      workspaceOf(res),
      body.template,
      body.context,
    ).catch(limitExceeded);
    if (!result) throw notFound('Customer');
    answer(res, contract.previewDraft, 200, result);
  });

  router.post('/templates', async (req, res) => {
    const input = parseInput(contract.create.body, req.body, 'body');
    const created = await createTemplate(db, workspaceOf(res), input).catch(invalid);
    if (!created) throw new HttpError(409, 'conflict', `A template “${input.id}” already exists`);
    answer(res, contract.create, 201, { template: created });
  });

  router.get('/templates/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const template = await getTemplate(db, workspaceOf(res), id);
    if (!template) throw notFound('Template');
    answer(res, contract.get, 200, { template });
  });

  router.patch('/templates/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const patch = parseInput(contract.update.body, req.body, 'body');
    const updated = await updateTemplate(db, workspaceOf(res), id, patch).catch(invalid);
    if (!updated) throw notFound('Template');
    answer(res, contract.update, 200, { template: updated });
  });

  router.delete('/templates/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const template = await getTemplate(db, workspaceOf(res), id);
    if (!template) throw notFound('Template');
    await assertUnused(
      db,
      deps.catalog,
      workspaceOf(res),
      { kind: 'template', id },
      `The template “${template.name}”`,
    );
    if (!(await deleteTemplate(db, workspaceOf(res), id))) throw notFound('Template');
    res.status(204).end();
  });

  router.post('/templates/:id/preview', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const context = parseInput(contract.preview.body, req.body, 'body');
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
    answer(res, contract.preview, 200, result);
  });

  return router;
}
