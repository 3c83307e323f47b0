/**
 * The composition of this installation: the node kinds it runs (built-ins plus every custom kind), the services
 * they get, and the journey templates offered in the editor. The API (palette, validation, publishing) and the
 * worker (execution) both build from here, so they can never disagree.
 * To add a custom node, write its module in packages/custom-nodes and append it to `customNodeKinds` there (the
 * editor reads that list too).
 */
import { channelNodes } from '@wakeflow/channels';
import { membershipTierTemplate } from '@wakeflow/audience';
import { customNodeKinds } from '@wakeflow/custom-nodes';
import { birthdayMonth, churnRiskCare, gradedCouponsByDormancy } from './journey-templates';
import {
  createBuiltinCatalog,
  journeyTemplates as builtinTemplates,
  type JourneyTemplate,
  type NodeCatalog,
  type NodeKind,
} from '@wakeflow/nodes';

export const customNodes: readonly NodeKind[] = [...channelNodes, ...customNodeKinds];

export function createCatalog(): NodeCatalog {
  return createBuiltinCatalog(customNodes);
}

export const journeyTemplates: readonly JourneyTemplate[] = [
  ...builtinTemplates,
  gradedCouponsByDormancy,
  birthdayMonth,
  churnRiskCare,
  membershipTierTemplate,
];
