/** A message template as the API accepts it: one schema shared by the API, the web app and the store. */
import type { TemplateChannel } from '@wakeflow/contracts';

// The schemas are the HTTP contract's: what the API accepts is exactly what the store keeps.
export {
  templateChannels,
  templateIdSchema,
  templateInputSchema,
  templatePatchSchema,
  type TemplateChannel,
  type TemplateInput,
  type TemplatePatch,
} from '@wakeflow/contracts';

/** The parts of a template that are rendered. */
export interface TemplateContent {
  channel: TemplateChannel;
  subject?: string | null;
  body: string;
  html?: string | null;
}

export type TemplateField = 'subject' | 'body' | 'html';
