import { describe, expect, it } from 'vitest';
import { canonicalGraph, testCatalog } from './fixtures';
import { stepTitle } from './describe';
import { findStepByTitle } from './navigation';

describe('findStepByTitle', () => {
  const titleOf = (n: (typeof canonicalGraph.nodes)[number]) => stepTitle(n, testCatalog);

  it('jumps to the step named exactly so, else the first whose name contains the text, case aside', () => {
    const sms = canonicalGraph.nodes.find((n) => n.id === 'gift_sms')!;
    expect(findStepByTitle(canonicalGraph, titleOf, titleOf(sms).toUpperCase())).toBe('gift_sms');
    const first = canonicalGraph.nodes.find((n) => titleOf(n).toLowerCase().includes('gift'))!;
    expect(findStepByTitle(canonicalGraph, titleOf, '  gift ')).toBe(first.id);
    expect(findStepByTitle(canonicalGraph, titleOf, 'no such step')).toBeUndefined();
    expect(findStepByTitle(canonicalGraph, titleOf, '   ')).toBeUndefined();
  });
});
