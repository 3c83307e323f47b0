/** A message template as the API accepts it: one schema shared by the API, the web app and the store. */
import { z } from 'zod';

export const templateChannels = ['email', 'sms', 'push'] as const;
export type TemplateChannel = (typeof templateChannels)[number];

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
    category: z.enum(['marketing', 'transactional']).default('marketing'),
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
  category: z.enum(['marketing', 'transactional']).optional(),
});
export type TemplatePatch = z.infer<typeof templatePatchSchema>;

/** The parts of a template that are rendered. */
export interface TemplateContent {
  channel: TemplateChannel;
  subject?: string | null;
  body: string;
  html?: string | null;
}

export type TemplateField = 'subject' | 'body' | 'html';
