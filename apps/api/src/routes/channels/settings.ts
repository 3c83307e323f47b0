/** The workspace's messaging rules (consent mode, frequency cap and priority, quiet hours, rate limits, tracking). */
import { Router } from 'express';
import { channelSettingsSchema, loadChannelSettings, saveChannelSettings } from '@wakeflow/channels';
import { parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import type { ChannelApiDeps } from './context';

export function channelSettingsRoutes(deps: ChannelApiDeps): Router {
  const router = Router();
  router.get('/channel-settings', async (_req, res) => {
    res.json({ settings: await loadChannelSettings(deps.db, workspaceOf(res)) });
  });
  router.put('/channel-settings', async (req, res) => {
    const input = parseInput(channelSettingsSchema, req.body, 'body');
    res.json({ settings: await saveChannelSettings(deps.db, workspaceOf(res), input) });
  });
  return router;
}
