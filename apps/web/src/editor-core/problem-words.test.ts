import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '@wakeflow/journey';
import { canonicalGraph, testCatalog } from './fixtures';
import { problemInWords } from './problem-words';

describe('problems in the manager’s words', () => {
  it('names a path as the canvas does, not by its outcome', () => {
    const words = problemInWords(
      {
        code: 'dangling_outcome',
        nodeId: 'wait_return',
        path: 'outcomes.timeout',
        message: 'The “timeout” path of “Wait for return” leads nowhere: add a next step or an exit',
      },
      canonicalGraph,
      testCatalog,
    );
    expect(words).toBe('The “Not within 7 days” path leads nowhere: add a next step or an exit');
  });

  it('names unnamed steps by their kind and split arms by their share', () => {
    const graph: JourneyGraph = {
      nodes: [
        { id: 't', type: 'api_trigger', config: {} },
        {
          id: 'split_1',
          type: 'split',
          config: {
            arms: [
              { name: 'a', percent: 50 },
              { name: 'b', percent: 50 },
            ],
          },
        },
      ],
      edges: [{ source: 't', outcome: 'next', target: 'split_1' }],
    };
    const words = problemInWords(
      {
        code: 'duplicate_edge',
        nodeId: 'split_1',
        path: 'edges.1',
        message: 'The “b” path of step split_1 is connected twice',
      },
      graph,
      testCatalog,
    );
    expect(words).toBe('The “b · 50%” path of “Random split” is connected twice');
  });
});
