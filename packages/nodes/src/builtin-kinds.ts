/** The built-in node kinds, one per file under `kinds/`, in palette order. */
import type { NodeKind } from './define-node';
import { apiTrigger } from './kinds/api-trigger';
import { audienceTrigger } from './kinds/audience-trigger';
import { branch } from './kinds/branch';
import { delay } from './kinds/delay';
import { eventTrigger } from './kinds/event-trigger';
import { exit } from './kinds/exit';
import { send } from './kinds/send';
import { split } from './kinds/split';
import { updateCustomer } from './kinds/update-customer';
import { waitForEvent } from './kinds/wait-for-event';

export {
  apiTrigger,
  audienceTrigger,
  branch,
  delay,
  eventTrigger,
  exit,
  send,
  split,
  updateCustomer,
  waitForEvent,
};

export const builtinNodes: readonly NodeKind[] = [
  audienceTrigger,
  eventTrigger,
  apiTrigger,
  delay,
  waitForEvent,
  branch,
  split,
  send,
  updateCustomer,
  exit,
];
