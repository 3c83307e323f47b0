/**
 * `POST /api/journeys/:id/backtest`: the journey run over a past window of the workspace's event log
 * (@wakeflow/catalog `runBacktest`, docs/backtest.md). Reads only: nothing is sent, no run or message row is written.
 */
import { Router } from 'express';
import { backtestRoutes as contract, journeyIdParams } from '@wakeflow/contracts';
import { BacktestInputError, runBacktest } from '@wakeflow/catalog';
import type { ApiDeps } from '../deps';
import { answer } from '../http/answer';
import { HttpError, parseInput } from '../http/errors';
import { workspaceOf } from '../http/workspace';

export function backtestRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.post('/journeys/:id/backtest', async (req, res) => {
    const { id } = parseInput(journeyIdParams, req.params, 'params');
    const body = parseInput(contract.run.body, req.body ?? {}, 'body');
    try {
      const report = await runBacktest(db, { ...body, workspaceId: workspaceOf(res), journeyId: id });
      answer(res, contract.run, 200, report);
    } catch (error) {
      if (error instanceof BacktestInputError) {
        const status = error.field === 'journey' && error.message.startsWith('No journey') ? 404 : 400;
        throw new HttpError(status, status === 404 ? 'not_found' : 'invalid_request', error.message, {
          issues: [
            { path: error.field === 'journey' ? 'params.id' : `body.${error.field}`, message: error.message },
          ],
        });
      }
      throw error;
    }
  });

  return router;
}
