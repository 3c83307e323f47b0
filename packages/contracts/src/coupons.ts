/**
 * Coupon pools and their codes: create and edit pools, import or generate unique codes, list codes by state. The
 * channels package adds the code-pattern check on top of the pool schema.
 */
import { z } from 'zod';
import { timestampSchema } from './common';
import { defineRoute } from './route';

export const couponPoolBodySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'Use lower-case letters, digits, - and _'),
  name: z.string().trim().min(1, 'Required').max(200),
  description: z.string().max(2_000).default(''),
  valueCents: z.number().int().min(0).default(0),
  minSpendCents: z.number().int().min(0).default(0),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'A 3-letter currency code such as CNY')
    .default('CNY'),
  /** Generated codes follow this pattern (docs/channels.md). */
  pattern: z.string().nullish(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
});
export type CouponPoolInput = z.input<typeof couponPoolBodySchema>;

export const couponCodesImportSchema = z.object({
  codes: z
    .array(
      z
        .string()
        .trim()
        .min(3)
        .max(64)
        .regex(/^[A-Za-z0-9_-]+$/, 'Codes use letters, digits, - and _'),
    )
    .min(1)
    .max(100_000),
});

export const couponPoolSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  valueCents: z.number(),
  minSpendCents: z.number(),
  currency: z.string(),
  pattern: z.string().nullable(),
  expiresAt: timestampSchema.nullable(),
  stock: z.object({ total: z.number(), free: z.number(), claimed: z.number(), redeemed: z.number() }),
});
export type CouponPool = z.infer<typeof couponPoolSchema>;

export const couponCodeStatuses = ['free', 'claimed', 'redeemed'] as const;
export const couponCodesQuerySchema = z.object({
  status: z.enum(couponCodeStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  afterId: z.coerce.number().int().min(0).default(0),
});

export const couponCodeSchema = z
  .object({
    id: z.number(),
    code: z.string(),
    customerId: z.string().nullable(),
    claimedAt: timestampSchema.nullable(),
    redeemedAt: timestampSchema.nullable(),
  })
  .loose();
export type CouponCode = z.infer<typeof couponCodeSchema>;

export const generateCodesBodySchema = z.object({ count: z.number().int().min(1).max(100_000) });

const poolAnswer = z.object({ pool: couponPoolSchema });
const poolParams = z.object({ id: z.string().min(1).max(63) });
const tag = 'Coupons';

export const couponRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/coupon-pools',
    tag,
    summary: 'Coupon pools with their stock',
    responses: { 200: z.object({ pools: z.array(couponPoolSchema) }) },
  }),
  create: defineRoute({
    method: 'post',
    path: '/coupon-pools',
    tag,
    summary: 'Create a pool',
    body: couponPoolBodySchema,
    responses: { 201: poolAnswer },
  }),
  get: defineRoute({
    method: 'get',
    path: '/coupon-pools/:id',
    tag,
    summary: 'One pool with its stock',
    params: poolParams,
    responses: { 200: poolAnswer },
  }),
  save: defineRoute({
    method: 'put',
    path: '/coupon-pools/:id',
    tag,
    summary: 'Change a pool (the id comes from the path)',
    params: poolParams,
    body: couponPoolBodySchema.omit({ id: true }),
    responses: { 200: poolAnswer },
  }),
  importCodes: defineRoute({
    method: 'post',
    path: '/coupon-pools/:id/codes',
    tag,
    summary: 'Import codes; duplicates are counted, not stored',
    params: poolParams,
    body: couponCodesImportSchema,
    responses: { 200: z.object({ inserted: z.number(), duplicates: z.number() }) },
  }),
  generate: defineRoute({
    method: 'post',
    path: '/coupon-pools/:id/generate',
    tag,
    summary: "Generate codes from the pool's pattern",
    params: poolParams,
    body: generateCodesBodySchema,
    responses: { 200: z.object({ inserted: z.number() }).loose() },
  }),
  codes: defineRoute({
    method: 'get',
    path: '/coupon-pools/:id/codes',
    tag,
    summary: 'Codes of a pool by state, paged by id',
    params: poolParams,
    query: couponCodesQuerySchema,
    responses: { 200: z.object({ codes: z.array(couponCodeSchema) }).loose() },
  }),
};
