import { describe, expect, it } from 'vitest';
import type { JourneySettings } from '@wakeflow/journey';
import { initialEditorState, reduceEditor, type EditorAction, type EditorState } from './editor';
import { canonicalGraph, canonicalSettings, testCatalog } from './fixtures';
import { emptyHistory, recordChange, redoChange, sealHistory, undoChange } from './history';

const settings: JourneySettings = { reentry: { mode: 'once' }, holdoutPercent: 0, priority: 5 };
const run = (state: EditorState, ...actions: EditorAction[]) =>
  actions.reduce((s, a) => reduceEditor(s, a, testCatalog), state);
const empty = () => initialEditorState({ graph: { nodes: [], edges: [] }, settings });

describe('history', () => {
  it('folds changes with the same merge key into one entry until sealed', () => {
    let h = emptyHistory<number>();
    h = recordChange(h, { label: 'type', before: 0, after: 1, mergeKey: 'f' });
    h = recordChange(h, { label: 'type', before: 1, after: 2, mergeKey: 'f' });
    expect(h.past).toEqual([{ label: 'type', before: 0, after: 2, mergeKey: 'f' }]);
    h = sealHistory(h);
    h = recordChange(h, { label: 'type', before: 2, after: 3, mergeKey: 'f' });
    expect(h.past).toHaveLength(2);
    const u = undoChange(h)!;
    expect(u.document).toBe(2);
    expect(redoChange(u.history)!.document).toBe(3);
  });

  it('drops the redo list on a new change', () => {
    let h = recordChange(emptyHistory<number>(), { label: 'a', before: 0, after: 1 });
    h = undoChange(h)!.history;
    h = recordChange(h, { label: 'b', before: 0, after: 5 });
    expect(redoChange(h)).toBeUndefined();
  });
});

describe('reduceEditor', () => {
  it('builds a journey from an empty canvas, one undo entry per gesture', () => {
    const s = run(
      empty(),
      { type: 'insert', at: { kind: 'trigger' }, kind: 'audience_trigger' },
      { type: 'insert', at: { kind: 'path', source: 'audience_trigger_1', outcome: 'next' }, kind: 'send' },
      { type: 'insert', at: { kind: 'path', source: 'send_1', outcome: 'next' }, kind: 'exit' },
    );
    expect(s.draft.graph.nodes.map((n) => n.type)).toEqual(['audience_trigger', 'send', 'exit']);
    expect(s.history.past).toHaveLength(3);
    expect(s.selectedId).toBe('exit_1');
    expect(s.draft.graph.nodes[1]!.config).toEqual({ channel: 'email', templateId: '' });
  });

  it('makes typing into one field a single undo entry', () => {
    let s = run(empty(), { type: 'insert', at: { kind: 'trigger' }, kind: 'event_trigger' });
    for (const text of ['l', 'lo', 'log', 'login']) {
      s = run(s, {
        type: 'updateConfig',
        nodeId: 'event_trigger_1',
        config: { event: text, filters: [] },
        field: 'event',
      });
    }
    expect(s.history.past).toHaveLength(2);
    s = run(s, { type: 'undo' });
    expect(s.draft.graph.nodes[0]!.config).toEqual({ event: '', filters: [] });
    s = run(s, { type: 'redo' });
    expect(s.draft.graph.nodes[0]!.config.event).toBe('login');
  });

  it('asks before deleting a step with several continued paths, then deletes as chosen', () => {
    let s = run(initialEditorState({ graph: canonicalGraph, settings: canonicalSettings }), {
      type: 'delete',
      nodeId: 'wait_return',
    });
    expect(s.pendingDelete).toEqual({ nodeId: 'wait_return', outcomes: ['login', 'purchase', 'timeout'] });
    expect(s.draft.graph).toBe(canonicalGraph);
    s = run(s, { type: 'delete', nodeId: 'wait_return', keep: 'timeout' });
    expect(s.pendingDelete).toBeUndefined();
    expect(s.draft.graph.nodes).toHaveLength(canonicalGraph.nodes.length - 3);
    s = run(s, { type: 'undo' });
    expect(s.draft.graph).toBe(canonicalGraph);
  });

  it('copies the selected step and pastes it after the selection', () => {
    let s = run(
      initialEditorState({ graph: canonicalGraph, settings: canonicalSettings }),
      { type: 'copy', nodeId: 'gift_sms' },
      { type: 'select', nodeId: 'second_push' },
      { type: 'paste' },
    );
    expect(s.draft.graph.edges).toContainEqual({ source: 'second_push', outcome: 'next', target: 'send_1' });
    expect(s.selectedId).toBe('send_1');
    s = run(s, { type: 'duplicate', nodeId: 'send_1' });
    expect(s.draft.graph.edges).toContainEqual({ source: 'send_1', outcome: 'next', target: 'send_2' });
    expect(s.history.past).toHaveLength(2);
  });

  it('reports a refused edit without changing the draft', () => {
    const s0 = initialEditorState({ graph: canonicalGraph, settings: canonicalSettings });
    const s = run(s0, {
      type: 'insert',
      at: { kind: 'path', source: 'trigger', outcome: 'next' },
      kind: 'exit',
    });
    expect(s.draft).toBe(s0.draft);
    expect(s.notice?.tone).toBe('error');
    expect(s.edits).toBe(0);
  });

  it('records journey settings changes in the same history', () => {
    let s = run(empty(), {
      type: 'updateSettings',
      settings: { ...settings, priority: 9 },
      field: 'priority',
    });
    expect(s.draft.settings.priority).toBe(9);
    s = run(s, { type: 'undo' });
    expect(s.draft.settings.priority).toBe(5);
  });
});
