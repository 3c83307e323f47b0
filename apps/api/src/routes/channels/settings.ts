/** The workspace's messaging rules (consent mode, frequency cap and priority, quiet hours, rate limits, tracking). */
import { Router } from 'express';
import { loadChannelSettings, saveChannelSettings } from '@wakeflow/channels';
import { channelSettingsRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import type { ChannelApiDeps } from './context';

export function channelSettingsRoutes(deps: ChannelApiDeps): Router {
  const router = Router();
  router.get('/channel-settings', async (_req, res) => {
    answer(res, contract.get, 200, { settings: await loadChannelSettings(deps.db, workspaceOf(res)) });
  });
  router.put('/channel-settings', async (req, res) => {
    const input = parseInput(contract.save.body, req.body, 'body');
    answer(res, contract.save, 200, {
      settings: await saveChannelSettings(deps.db, workspaceOf(res), input),
    });
  });
  return router;
}
