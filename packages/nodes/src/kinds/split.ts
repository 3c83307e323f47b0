/** `split`: send customers down named arms at random (A/B tests, holdouts); one path per arm. */
import { z } from 'zod';
import { defineNode, type DraftConfig } from '../define-node';
import { humanize } from '../words';
import { outcomeNameSchema } from './local-time';

function draftArmPaths(config: DraftConfig): string[] {
  const arms = Array.isArray(config.arms) ? config.arms : [];
  const names = arms.map((a: unknown, index) => {
    const name = typeof a === 'object' && a !== null ? (a as Record<string, unknown>).name : undefined;
    return typeof name === 'string' && name ? name : `arm_${index + 1}`;
  });
  return [...new Set(names)];
}

export const split = defineNode({
  type: 'split',
  version: 1,
  config: z
    .object({
      arms: z
        .array(
          z.object({
            name: outcomeNameSchema,
            percent: z.number().min(0, 'Must be 0 or more').max(100, 'Must be 100 or less'),
            /** A holdout arm is tracked like the others but its customers are never messaged. */
            holdout: z.boolean().default(false),
          }),
        )
        .min(2, 'A split needs at least two arms'),
    })
    .superRefine((c, ctx) => {
      const total = c.arms.reduce((sum, a) => sum + a.percent, 0);
      if (Math.abs(total - 100) > 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms'],
          message: `Percentages must add up to 100 (now ${total})`,
        });
      }
      const names = new Set<string>();
      c.arms.forEach((a, i) => {
        if (names.has(a.name))
          ctx.addIssue({
            code: 'custom',
            path: ['arms', i, 'name'],
            message: `Arm name “${a.name}” is used twice`,
          });
        names.add(a.name);
      });
    }),
  palette: {
    label: 'Random split',
    description: 'A/B test or holdout: send customers down arms at random',
    icon: 'split',
    category: 'flow',
    color: '#d97706',
  },
  starter: () => ({
    arms: [
      { name: 'a', percent: 50 },
      { name: 'b', percent: 50 },
    ],
  }),
  outcomes: (c) => c.arms.map((a) => a.name),
  draftOutcomes: draftArmPaths,
  outcomeLabel: (outcome, c) => {
    const arm = c.arms.find((a) => a.name === outcome);
    return arm ? `${humanize(outcome)} · ${arm.percent}%${arm.holdout ? ' holdout' : ''}` : undefined;
  },
  describe: (c) =>
    `Split ${c.arms.map((a) => `${a.name} ${a.percent}%${a.holdout ? ' (holdout)' : ''}`).join(' / ')}`,
  plan: (c) => ({
    op: 'split',
    arms: c.arms.map((a) => ({ name: a.name, percent: a.percent, holdout: a.holdout })),
  }),
});
