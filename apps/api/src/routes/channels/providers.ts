/**
 * Delivery providers: CRUD with secrets write-only (the answer lists which secret names are set, never values),
 * the kinds with their settings/secrets JSON Schemas for the forms, and the provider each channel uses now —
 * including the development log provider when none is configured, so the UI can say nothing is delivered.
 */
import { Router } from 'express';
import {
  createProvider,
  deleteProvider,
  describeProviderKinds,
  effectiveProviders,
  getProvider,
  listProviders,
  providerInputSchema,
  providerPatchSchema,
  ProviderValidationError,
  updateProvider,
} from '@wakeflow/channels';
import { providerRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { recordAudit } from '../../http/audit-trail';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import { assertUnused } from '../../journeys/references';
import { channelOptions, type ChannelApiDeps } from './context';

function invalid(error: unknown): never {
  if (error instanceof ProviderValidationError) {
    const issues = error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message }));
    throw new HttpError(400, 'invalid_request', `Invalid body: ${issues[0]?.path} ${issues[0]?.message}`, {
      issues,
    });
  }
  throw error;
}

export function providerRoutes(deps: ChannelApiDeps): Router {
  const { db } = deps;
  const { keys } = channelOptions(deps);
  const router = Router();
  const kinds = describeProviderKinds();

  router.get('/providers', async (_req, res) => {
    const workspaceId = workspaceOf(res);
    answer(res, contract.list, 200, {
      providers: await listProviders(db, keys, workspaceId),
      effective: await effectiveProviders(db, workspaceId),
    });
  });

  router.get('/provider-kinds', (_req, res) => {
    answer(res, contract.kinds, 200, { kinds });
  });

  router.post('/providers', async (req, res) => {
    const input = parseInput(providerInputSchema, req.body, 'body');
    const created = await createProvider(db, keys, workspaceOf(res), input).catch(invalid);
    // The public form names which secrets are set, never their values, so it is safe in the audit log.
    await recordAudit(db, res, {
      action: 'provider.created',
      entityType: 'provider',
      entityId: created.id,
      after: created,
    });
    answer(res, contract.create, 201, { provider: created });
  });

  router.get('/providers/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const provider = await getProvider(db, keys, workspaceOf(res), id);
    if (!provider) throw notFound('Provider');
    answer(res, contract.get, 200, { provider });
  });

  router.patch('/providers/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const patch = parseInput(providerPatchSchema, req.body, 'body');
    const before = await getProvider(db, keys, workspaceOf(res), id);
    const updated = await updateProvider(db, keys, workspaceOf(res), id, patch).catch(invalid);
    if (!updated || !before) throw notFound('Provider');
    await recordAudit(db, res, {
      action: 'provider.changed',
      entityType: 'provider',
      entityId: id,
      before,
      after: { ...updated, ...(patch.secrets ? { secretsChanged: Object.keys(patch.secrets).sort() } : {}) },
    });
    answer(res, contract.update, 200, { provider: updated });
  });

  router.delete('/providers/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const before = await getProvider(db, keys, workspaceOf(res), id);
    if (!before) throw notFound('Provider');
    // Another provider of the channel takes over its sends; the last one may go only when no journey sends there.
    const sameChannel = (await listProviders(db, keys, workspaceOf(res))).filter(
      (p) => p.channel === before.channel,
    );
    if (sameChannel.length <= 1)
      await assertUnused(
        db,
        deps.catalog,
        workspaceOf(res),
        { kind: 'provider', channel: before.channel },
        `The provider “${id}”, the only one for ${before.channel},`,
      );
    if (!(await deleteProvider(db, workspaceOf(res), id))) throw notFound('Provider');
    await recordAudit(db, res, { action: 'provider.deleted', entityType: 'provider', entityId: id, before });
    res.status(204).end();
  });

  return router;
}
