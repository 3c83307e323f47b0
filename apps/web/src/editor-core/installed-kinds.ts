/**
 * The node kinds' own definitions, imported from their browser-safe modules: the built-ins and the installation's
 * registered custom kinds (`customNodeKinds`, the same list the API and worker register). The editor draws lanes,
 * card lines and path labels with these, so a kind is described once, in its own file.
 */
import { builtinNodes, NodeCatalog } from '@wakeflow/nodes/spec';
import { customNodeKinds } from '@wakeflow/custom-nodes';

export const installedNodeKinds = new NodeCatalog([...builtinNodes, ...customNodeKinds]);
