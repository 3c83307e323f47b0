/** The audit log: newest first, filtered by actor, action, entity and time, paged by id. */
import { z } from 'zod';
import { defineRoute } from './route';

export const auditQuerySchema = z.object({
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  entityType: z.string().min(1).max(100).optional(),
  entityId: z.string().min(1).max(300).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditFilters = Omit<z.input<typeof auditQuerySchema>, 'limit' | 'before'> & { before?: number };

export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/audit',
    tag: 'Audit log',
    summary: 'Audit entries, newest first; page with `before`',
    query: auditQuerySchema,
    responses: {
      200: z.object({ entries: z.array(auditEntrySchema), nextBefore: z.number().nullable() }),
    },
  }),
};
