/**
 * Problems in the manager's words. The API words a problem with ids and outcome names ("The “timeout” path of step
 * wait_1 leads nowhere"); the panel shows the step's title beside it, so here the path gets the words the canvas
 * draws for it ("Not within 7 days") and any step id its title.
 */
import type { JourneyGraph } from '@wakeflow/journey';
import type { EditorCatalog } from './catalog';
import { nodeOutcomes } from './catalog';
import { outcomeLabel, stepTitle } from './describe';

export interface ProblemToWord {
  code: string;
  nodeId?: string;
  path: string;
  message: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function problemInWords(problem: ProblemToWord, graph: JourneyGraph, catalog: EditorCatalog): string {
  const node = problem.nodeId ? graph.nodes.find((n) => n.id === problem.nodeId) : undefined;
  if (node && problem.code === 'dangling_outcome' && problem.path.startsWith('outcomes.')) {
    const outcomes = nodeOutcomes(node, catalog);
    if (outcomes.length > 1) {
      const label = outcomeLabel(node, problem.path.slice('outcomes.'.length), catalog);
      return `The “${label}” path leads nowhere: add a next step or an exit`;
    }
    return 'Leads nowhere: add a next step or an exit';
  }
  let message = problem.message;
  if (node) {
    for (const outcome of nodeOutcomes(node, catalog)) {
      message = message.replaceAll(`“${outcome}” path`, `“${outcomeLabel(node, outcome, catalog)}” path`);
    }
  }
  // Ids of unnamed steps ("step split_1") become their titles; longest ids first so `a_1` never eats `a_10`.
  for (const step of [...graph.nodes].sort((a, b) => b.id.length - a.id.length)) {
    message = message.replace(
      new RegExp(`\\bstep ${escapeRegExp(step.id)}\\b`, 'g'),
      `“${stepTitle(step, catalog)}”`,
    );
  }
  return message;
}
