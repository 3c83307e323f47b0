/**
 * Customer conditions: one tree shape for journey branches and audience segments ("fewer than 3 logins in the
 * last 6 months AND tier is high"). Branches evaluate it per customer in an activity; segments compile it to SQL.
 */
import { z } from 'zod';
import { durationSchema, type Duration } from './duration';
import { propertyFilterSchema, type PropertyFilter } from './property-filter';

export const comparisonOps = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'exists',
  'not_exists',
  'in',
] as const;
export type ComparisonOp = (typeof comparisonOps)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const traitConditionSchema = z.object({
  kind: z.literal('trait'),
  /** A profile field (`email`, `timezone`, `birthday`), a derived fact (`facts.dormancyStage`) or a trait (`traits.city`). */
  field: z.string().min(1, 'Choose a field'),
  op: z.enum(comparisonOps),
  value: z.union([scalar, z.array(scalar)]).optional(),
});

export const eventWindowSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('since_entry') }),
  z.object({ type: z.literal('last'), duration: durationSchema }),
  z.object({ type: z.literal('ever') }),
]);

export const eventConditionSchema = z.object({
  kind: z.literal('event'),
  event: z.string().min(1, 'Choose an event'),
  filters: z.array(propertyFilterSchema).optional(),
  window: eventWindowSchema,
  /** How many matching events: "happened" is `gte 1`, "did not happen" is `eq 0`, "fewer than 3" is `lt 3`. */
  count: z.object({ op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']), value: z.number().int().min(0) }),
});

export const tagConditionSchema = z.object({
  kind: z.literal('tag'),
  tag: z.string().min(1, 'Choose a tag'),
  has: z.boolean(),
});

export const segmentConditionSchema = z.object({
  kind: z.literal('segment'),
  segmentId: z.string().min(1, 'Choose a segment'),
  member: z.boolean(),
});

export type TraitCondition = z.infer<typeof traitConditionSchema>;
export type EventCondition = z.infer<typeof eventConditionSchema>;
export type TagCondition = z.infer<typeof tagConditionSchema>;
export type SegmentCondition = z.infer<typeof segmentConditionSchema>;
export type Condition =
  | TraitCondition
  | EventCondition
  | TagCondition
  | SegmentCondition
  | { kind: 'and'; conditions: Condition[] }
  | { kind: 'or'; conditions: Condition[] }
  | { kind: 'not'; condition: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    traitConditionSchema,
    eventConditionSchema,
    tagConditionSchema,
    segmentConditionSchema,
    z.object({
      kind: z.literal('and'),
      conditions: z.array(conditionSchema).min(1, 'Add at least one condition'),
    }),
    z.object({
      kind: z.literal('or'),
      conditions: z.array(conditionSchema).min(1, 'Add at least one condition'),
    }),
    z.object({ kind: z.literal('not'), condition: conditionSchema }),
  ]),
);

export type { Duration, PropertyFilter };
