/** Churn model (fit, parameters), per-customer predictions and dormancy reasons, with the rules that give them. */
import { Router } from 'express';
import { and, desc, eq } from 'drizzle-orm';
import {
  computeDormancyReasons,
  loadDormancyRules,
  refitChurnModel,
  validateChurnModel,
  saveDormancyRules,
} from '@wakeflow/analytics';
import { churnModels, customerDormancyReasons, customerPredictions, customers } from '@wakeflow/db';
import type { ApiDeps } from '../../deps';
import { analyticsRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

export function analyticsCustomerRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.post('/analytics/churn-model/refit', async (req, res) => {
    const body = parseInput(contract.refitChurnModel.body, req.body ?? {}, 'body');
    const result = await refitChurnModel(db, workspaceOf(res), { horizonDays: body.horizonDays });
    if (!result)
      throw new HttpError(
        409,
        'not_enough_data',
        'At least 20 buyers, some with repeat purchases, are needed to fit the churn model',
      );
    answer(res, contract.refitChurnModel, 201, result);
  });

  router.get('/analytics/churn-model/validation', async (req, res) => {
    const query = parseInput(contract.churnValidation.query, req.query, 'query');
    const validation = await validateChurnModel(db, workspaceOf(res), {
      ...(query.holdoutDays !== undefined ? { holdoutDays: query.holdoutDays } : {}),
    });
    if (!validation)
      throw new HttpError(
        409,
        'not_enough_data',
        'At least 20 buyers, some with repeat purchases, are needed in the calibration period',
      );
    answer(res, contract.churnValidation, 200, validation);
  });

  router.get('/analytics/churn-model', async (_req, res) => {
    const [model] = await db
      .select()
      .from(churnModels)
      .where(eq(churnModels.workspaceId, workspaceOf(res)))
      .orderBy(desc(churnModels.fittedAt))
      .limit(1);
    if (!model) throw notFound('Churn model');
    answer(res, contract.churnModel, 200, { model });
  });

  router.get('/analytics/customers/:externalId/facts', async (req, res) => {
    const { externalId } = parseInput(contract.customerFacts.params, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const [row] = await db
      .select({
        customerId: customers.id,
        pAlive: customerPredictions.pAlive,
        expectedPurchases: customerPredictions.expectedPurchases,
        horizonDays: customerPredictions.horizonDays,
        expectedOrderValue: customerPredictions.expectedOrderValue,
        predictedClv: customerPredictions.predictedClv,
        predictedClvTopPercent: customerPredictions.predictedClvTopPercent,
        predictedAt: customerPredictions.computedAt,
        dormancyReason: customerDormancyReasons.reason,
        dormancyEvidence: customerDormancyReasons.evidence,
      })
      .from(customers)
      .leftJoin(
        customerPredictions,
        and(
          eq(customerPredictions.customerId, customers.id),
          eq(customerPredictions.workspaceId, workspaceId),
        ),
      )
      .leftJoin(
        customerDormancyReasons,
        and(
          eq(customerDormancyReasons.customerId, customers.id),
          eq(customerDormancyReasons.workspaceId, workspaceId),
        ),
      )
      .where(and(eq(customers.workspaceId, workspaceId), eq(customers.externalId, externalId)));
    if (!row) throw notFound('Customer');
    answer(res, contract.customerFacts, 200, row);
  });

  router.get('/analytics/dormancy-rules', async (_req, res) => {
    answer(res, contract.dormancyRules, 200, { rules: await loadDormancyRules(db, workspaceOf(res)) });
  });

  router.put('/analytics/dormancy-rules', async (req, res) => {
    const rules = parseInput(contract.saveDormancyRules.body, req.body, 'body');
    answer(res, contract.saveDormancyRules, 200, {
      rules: await saveDormancyRules(db, workspaceOf(res), rules),
    });
  });

  router.post('/analytics/dormancy-reasons/compute', async (_req, res) => {
    answer(res, contract.computeDormancyReasons, 200, {
      counts: await computeDormancyReasons(db, workspaceOf(res)),
    });
  });

  return router;
}
