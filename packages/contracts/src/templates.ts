/**
 * Message templates: the schema the API accepts, the store keeps and the web app edits (one source: the channels
 * package re-exports it), validation with line and column, and preview for a customer.
 */
import { z } from 'zod';
import { timestampSchema } from './common';
import { defineRoute } from './route';

export const templateChannels = ['email', 'sms', 'push'] as const;
export type TemplateChannel = (typeof templateChannels)[number];
export const templateCategories = ['marketing', 'transactional'] as const;

export const templateIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,99}$/,
    'Use lower-case letters, digits, - and _ (journeys refer to templates by this id)',
  );

export const templateInputSchema = z
  .object({
    id: templateIdSchema,
    channel: z.enum(templateChannels, { error: 'Choose email, sms or push' }),
    name: z.string().trim().min(1, 'Required').max(200),
    /** Email subject, or the push notification title. */
    subject: z.string().max(2_000).nullish(),
    /** SMS and push text; for email the plain-text part. */
    body: z.string().min(1, 'Required').max(100_000),
    /** Email only: the HTML part. */
    html: z.string().max(200_000).nullish(),
    category: z.enum(templateCategories).default('marketing'),
  })
  .superRefine((t, ctx) => {
    if (t.channel === 'email' && !t.subject?.trim())
      ctx.addIssue({ code: 'custom', path: ['subject'], message: 'An email needs a subject' });
    if (t.channel !== 'email' && t.html)
      ctx.addIssue({ code: 'custom', path: ['html'], message: 'Only email has an HTML part' });
  });
export type TemplateInput = z.infer<typeof templateInputSchema>;

export const templatePatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  subject: z.string().max(2_000).nullish(),
  body: z.string().min(1).max(100_000).optional(),
  html: z.string().max(200_000).nullish(),
  category: z.enum(templateCategories).optional(),
});
export type TemplatePatch = z.infer<typeof templatePatchSchema>;

/** The rendered parts of a template as being edited: what validation and preview take. */
export const templateDraftSchema = z.object({
  channel: z.enum(templateChannels),
  subject: z.string().max(2_000).nullish(),
  body: z.string().max(100_000),
  html: z.string().max(200_000).nullish(),
});
export type TemplateDraft = z.input<typeof templateDraftSchema>;

/** Whom to preview for (id or external id) and the sample run context. */
export const previewRequestSchema = z
  .object({
    /** The customer's id or external id. */
    customerId: z.string().min(1).optional(),
    externalId: z.string().min(1).optional(),
    entry: z.record(z.string(), z.unknown()).default({}),
    steps: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((r) => r.customerId || r.externalId, { message: 'Choose a customer', path: ['customerId'] });
export type PreviewRequest = z.input<typeof previewRequestSchema>;

export const templateViewSchema = z.object({
  id: z.string(),
  channel: z.enum(templateChannels),
  name: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  html: z.string().nullable(),
  category: z.enum(templateCategories),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type TemplateView = z.infer<typeof templateViewSchema>;

export const templateProblemSchema = z.object({
  field: z.string(),
  line: z.number(),
  column: z.number(),
  code: z.string(),
  message: z.string(),
});
export type TemplateProblem = z.infer<typeof templateProblemSchema>;

export const templateValidationSchema = z.object({
  ok: z.boolean(),
  problems: z.array(templateProblemSchema),
});

export const previewResultSchema = z.object({
  rendered: z
    .object({ subject: z.string().nullable(), text: z.string(), html: z.string().nullable() })
    .loose(),
  problems: z.array(templateProblemSchema),
});
export type PreviewResult = z.infer<typeof previewResultSchema>;

const templateAnswer = z.object({ template: templateViewSchema });
const templateParams = z.object({ id: templateIdSchema });
const tag = 'Templates';

export const templateRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/templates',
    tag,
    summary: 'Message templates, optionally of one channel',
    query: z.object({ channel: z.enum(templateChannels).optional() }),
    responses: { 200: z.object({ templates: z.array(templateViewSchema) }) },
  }),
  validate: defineRoute({
    method: 'post',
    path: '/templates/validate',
    tag,
    summary: 'Parse and variable problems of a draft, with line and column',
    body: templateDraftSchema,
    responses: { 200: templateValidationSchema },
  }),
  previewDraft: defineRoute({
    method: 'post',
    path: '/templates/preview',
    tag,
    summary: 'Render a draft for a customer',
    body: z.object({ template: templateDraftSchema, context: previewRequestSchema }),
    responses: { 200: previewResultSchema },
  }),
  create: defineRoute({
    method: 'post',
    path: '/templates',
    tag,
    summary: 'Create a template (422 `invalid_template` with `templateProblems`)',
    body: templateInputSchema,
    responses: { 201: templateAnswer },
  }),
  get: defineRoute({
    method: 'get',
    path: '/templates/:id',
    tag,
    summary: 'One template',
    params: templateParams,
    responses: { 200: templateAnswer },
  }),
  update: defineRoute({
    method: 'patch',
    path: '/templates/:id',
    tag,
    summary: 'Change a template',
    params: templateParams,
    body: templatePatchSchema,
    responses: { 200: templateAnswer },
  }),
  remove: defineRoute({
    method: 'delete',
    path: '/templates/:id',
    tag,
    summary: 'Delete a template',
    params: templateParams,
    responses: { 204: null },
  }),
  preview: defineRoute({
    method: 'post',
    path: '/templates/:id/preview',
    tag,
    summary: 'Render a saved template for a customer',
    params: templateParams,
    body: previewRequestSchema,
    responses: { 200: previewResultSchema },
  }),
};
