/** Coupon pools: create and edit, import or generate codes, and see stock and who got which code. */
import { Router } from 'express';
import { and, asc, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import { coupons } from '@wakeflow/db';
import {
  couponPoolInputSchema,
  createCouponPool,
  findCouponPoolRow,
  generateCouponCodes,
  getCouponPool,
  importCouponCodes,
  listCouponPools,
  updateCouponPool,
} from '@wakeflow/channels';
import { couponRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';
import type { ChannelApiDeps } from './context';

export function couponRoutes(deps: ChannelApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/coupon-pools', async (_req, res) => {
    answer(res, contract.list, 200, { pools: await listCouponPools(db, workspaceOf(res)) });
  });

  router.post('/coupon-pools', async (req, res) => {
    const input = parseInput(couponPoolInputSchema, req.body, 'body');
    const pool = await createCouponPool(db, workspaceOf(res), input);
    if (!pool) throw new HttpError(409, 'conflict', `A coupon pool “${input.id}” already exists`);
    answer(res, contract.create, 201, { pool });
  });

  router.get('/coupon-pools/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const pool = await getCouponPool(db, workspaceOf(res), id);
    if (!pool) throw notFound('Coupon pool');
    answer(res, contract.get, 200, { pool });
  });

  router.put('/coupon-pools/:id', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const input = parseInput(couponPoolInputSchema, { ...(req.body as Record<string, unknown>), id }, 'body');
    const pool = await updateCouponPool(db, workspaceOf(res), id, input);
    if (!pool) throw notFound('Coupon pool');
    answer(res, contract.save, 200, { pool });
  });

  router.post('/coupon-pools/:id/codes', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const { codes } = parseInput(contract.importCodes.body, req.body, 'body');
    const pool = await findCouponPoolRow(db, workspaceOf(res), id);
    if (!pool) throw notFound('Coupon pool');
    answer(res, contract.importCodes, 200, await importCouponCodes(db, pool, codes));
  });

  router.post('/coupon-pools/:id/generate', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const { count } = parseInput(contract.generate.body, req.body, 'body');
    const pool = await findCouponPoolRow(db, workspaceOf(res), id);
    if (!pool) throw notFound('Coupon pool');
    if (!pool.pattern)
      throw new HttpError(400, 'invalid_request', 'This pool has no pattern to generate codes from');
    answer(res, contract.generate, 200, await generateCouponCodes(db, pool, count));
  });

  router.get('/coupon-pools/:id/codes', async (req, res) => {
    const { id } = parseInput(contract.get.params, req.params, 'params');
    const q = parseInput(contract.codes.query, req.query, 'query');
    const workspaceId = workspaceOf(res);
    // Another workspace's pool (or none) is a 404, not an empty list.
    if (!(await findCouponPoolRow(db, workspaceId, id))) throw notFound('Coupon pool');
    const filter =
      q.status === 'free'
        ? isNull(coupons.claimKey)
        : q.status === 'claimed'
          ? isNotNull(coupons.claimKey)
          : q.status === 'redeemed'
            ? isNotNull(coupons.redeemedAt)
            : undefined;
    const rows = await db
      .select()
      .from(coupons)
      .where(
        and(eq(coupons.workspaceId, workspaceId), eq(coupons.poolId, id), gt(coupons.id, q.afterId), filter),
      )
      .orderBy(asc(coupons.id))
      .limit(q.limit);
    answer(res, contract.codes, 200, {
      codes: rows.map((r) => ({
        id: r.id,
        code: r.code,
        customerId: r.customerId,
        claimedAt: r.claimedAt?.toISOString() ?? null,
        redeemedAt: r.redeemedAt?.toISOString() ?? null,
      })),
    });
  });

  return router;
}
