/**
 * API keys: list (never the key), create (the key is in this one answer only), revoke. A person may only create a
 * key whose scope grants nothing they lack themselves, so a key never widens its creator's access.
 */
import { Router } from 'express';
import { actorOf, createApiKey, listApiKeys, permissionsOfScope, revokeApiKey } from '@wakeflow/auth';
import { apiKeyRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { recordAudit } from '../../http/audit-trail';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { principalOf, workspaceOf } from '../../http/workspace';
import type { AuthRouteDeps } from './context';

export function apiKeyRoutes(deps: AuthRouteDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/api-keys', async (_req, res) => {
    answer(res, contract.list, 200, { apiKeys: await listApiKeys(db, workspaceOf(res)) });
  });

  router.post('/api-keys', async (req, res) => {
    const body = parseInput(contract.create.body, req.body, 'body');
    const principal = principalOf(res);
    const missing = [...permissionsOfScope(body.scope)].filter((p) => !principal.permissions.has(p));
    if (missing.length)
      throw new HttpError(
        403,
        'scope_exceeds_yours',
        `A ${body.scope} key would grant permissions you do not have: ${missing.join(', ')}`,
        { missing },
      );
    const { key, apiKey } = await createApiKey(db, {
      workspaceId: workspaceOf(res),
      name: body.name,
      scope: body.scope,
      createdBy: actorOf(principal),
    });
    await recordAudit(db, res, {
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: apiKey.id,
      after: { name: apiKey.name, scope: apiKey.scope, prefix: apiKey.prefix },
    });
    res.set('Cache-Control', 'no-store');
    answer(res, contract.create, 201, { apiKey, key, note: 'Copy the key now: it is not shown again' });
  });

  router.delete('/api-keys/:id', async (req, res) => {
    const { id } = parseInput(contract.revoke.params, req.params, 'params');
    const before = await revokeApiKey(db, workspaceOf(res), id, actorOf(principalOf(res)));
    if (!before) throw notFound('API key');
    await recordAudit(db, res, {
      action: 'api_key.revoked',
      entityType: 'api_key',
      entityId: id,
      before: { revokedAt: before.revokedAt },
      after: { revoked: true },
    });
    res.status(204).end();
  });

  return router;
}
