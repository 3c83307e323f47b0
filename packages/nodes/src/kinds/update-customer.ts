/** `update_customer`: set traits and add or remove tags, through the `customers.update` port. */
import { z } from 'zod';
import { defineNode } from '../define-node';

const traitValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const updateCustomer = defineNode({
  type: 'update_customer',
  version: 1,
  config: z
    .object({
      setTraits: z
        .record(
          z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Trait names use letters, digits and _'),
          traitValue,
        )
        .default({}),
      addTags: z.array(z.string().min(1)).default([]),
      removeTags: z.array(z.string().min(1)).default([]),
    })
    .refine((c) => Object.keys(c.setTraits).length + c.addTags.length + c.removeTags.length > 0, {
      message: 'Set a trait or add or remove a tag',
    }),
  palette: {
    label: 'Update customer',
    description: 'Set a trait or add a tag',
    icon: 'user-edit',
    category: 'data',
    color: '#2563eb',
  },
  outcomes: ['next'],
  describe: (c) =>
    [
      ...Object.entries(c.setTraits).map(([k, v]) => `set ${k} = ${String(v)}`),
      ...c.addTags.map((t) => `tag ${t}`),
      ...c.removeTags.map((t) => `untag ${t}`),
    ].join(', '),
  activity: {
    startToCloseMs: 30_000,
    async run(input, { customers }) {
      const { setTraits, addTags, removeTags } = input.config;
      await customers.update(
        { workspaceId: input.workspaceId, customerId: input.customerId },
        { setTraits, addTags, removeTags },
      );
      return { outcome: 'next' };
    },
  },
});
