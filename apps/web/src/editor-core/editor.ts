/**
 * The editor's state machine: every user gesture is an action, reduced purely into a new draft plus one history
 * entry. React components dispatch these actions and render the state; nothing else changes the draft.
 */
import type { JourneySettings } from '@wakeflow/journey';
import type { JourneyDraft } from '../api/types';
import type { EditorCatalog } from './catalog';
import { copyBranch, copyStep, pasteFragment, type ClipboardFragment } from './clipboard';
import {
  deleteStep,
  duplicateStep,
  findNode,
  insertStep,
  renameStep,
  updateConfig,
  type EditResult,
  type InsertPoint,
} from './graph-ops';
import { emptyHistory, recordChange, redoChange, sealHistory, undoChange, type History } from './history';
import { newStep } from './starters';
import { nodeOutcomes } from './catalog';

export interface EditorNotice {
  tone: 'info' | 'error';
  text: string;
}

export interface PendingDelete {
  nodeId: string;
  outcomes: string[];
}

export interface EditorState {
  draft: JourneyDraft;
  history: History<JourneyDraft>;
  selectedId?: string;
  clipboard?: ClipboardFragment;
  notice?: EditorNotice;
  /** A delete waiting for the manager to say which path stays. */
  pendingDelete?: PendingDelete;
  /** Bumped on every change to the draft; autosave watches it. */
  edits: number;
}

export type EditorAction =
  | { type: 'load'; draft: JourneyDraft }
  | { type: 'insert'; at: InsertPoint; kind: string }
  | { type: 'delete'; nodeId: string; keep?: string | 'none' }
  | { type: 'cancelDelete' }
  | { type: 'updateConfig'; nodeId: string; config: Record<string, unknown>; field?: string }
  | { type: 'rename'; nodeId: string; name: string }
  | { type: 'updateSettings'; settings: JourneySettings; field?: string }
  | { type: 'duplicate'; nodeId: string }
  | { type: 'copy'; nodeId: string; branch?: boolean }
  | { type: 'paste'; at?: InsertPoint }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'seal' }
  | { type: 'select'; nodeId?: string }
  | { type: 'dismissNotice' };

export function initialEditorState(draft: JourneyDraft): EditorState {
  return { draft, history: emptyHistory(), edits: 0 };
}

function fail(state: EditorState, text: string): EditorState {
  return { ...state, notice: { tone: 'error', text } };
}

function commit(state: EditorState, result: EditResult, label: string, mergeKey?: string): EditorState {
  if (!result.ok) return 'choose' in result ? state : fail(state, result.reason);
  const draft: JourneyDraft = { ...state.draft, graph: result.graph };
  const history = recordChange(state.history, {
    label,
    before: state.draft,
    after: draft,
    ...(mergeKey ? { mergeKey } : {}),
  });
  const { notice: _notice, pendingDelete: _pending, ...rest } = state;
  return {
    ...rest,
    draft,
    history,
    edits: state.edits + 1,
    ...(result.focus !== undefined ? { selectedId: result.focus } : {}),
  };
}

/** Where "paste" or "duplicate" lands when no path was chosen: right after the selected step. */
function afterSelected(state: EditorState, catalog: EditorCatalog): InsertPoint | undefined {
  const node = state.selectedId ? findNode(state.draft.graph, state.selectedId) : undefined;
  const outcome = node ? nodeOutcomes(node, catalog)[0] : undefined;
  return node && outcome !== undefined ? { kind: 'path', source: node.id, outcome } : undefined;
}

export function reduceEditor(state: EditorState, action: EditorAction, catalog: EditorCatalog): EditorState {
  const graph = state.draft.graph;
  switch (action.type) {
    case 'load':
      // The edit counter keeps counting so autosave can tell this draft from the one before.
      return { ...initialEditorState(action.draft), edits: state.edits + 1 };
    case 'insert': {
      const entry = catalog.get(action.kind);
      if (!entry) return fail(state, `Unknown step kind ${action.kind}`);
      return commit(
        state,
        insertStep(graph, action.at, newStep(entry, graph, catalog.kind(entry.type)), catalog),
        `Add ${entry.palette.label}`,
      );
    }
    case 'delete': {
      const result = deleteStep(graph, action.nodeId, catalog, action.keep);
      if (!result.ok && 'choose' in result)
        return { ...state, pendingDelete: { nodeId: action.nodeId, outcomes: result.choose } };
      const next = commit(state, result, 'Delete step');
      return result.ok && next.selectedId === action.nodeId ? { ...next, selectedId: undefined } : next;
    }
    case 'cancelDelete': {
      const { pendingDelete: _p, ...rest } = state;
      return rest;
    }
    case 'updateConfig':
      return commit(
        state,
        updateConfig(graph, action.nodeId, action.config, catalog),
        'Change settings',
        `config:${action.nodeId}:${action.field ?? '*'}`,
      );
    case 'rename':
      return commit(
        state,
        renameStep(graph, action.nodeId, action.name),
        'Rename step',
        `name:${action.nodeId}`,
      );
    case 'updateSettings': {
      const draft: JourneyDraft = { ...state.draft, settings: action.settings };
      const history = recordChange(state.history, {
        label: 'Change journey settings',
        before: state.draft,
        after: draft,
        mergeKey: `settings:${action.field ?? '*'}`,
      });
      return { ...state, draft, history, edits: state.edits + 1 };
    }
    case 'duplicate':
      return commit(state, duplicateStep(graph, action.nodeId, catalog), 'Duplicate step');
    case 'copy': {
      const result = (action.branch ? copyBranch : copyStep)(graph, action.nodeId, catalog);
      if (!result.ok) return fail(state, result.reason);
      const count = result.fragment.nodes.length;
      return {
        ...state,
        clipboard: result.fragment,
        notice: { tone: 'info', text: `Copied ${count === 1 ? 'step' : `${count} steps`}` },
      };
    }
    case 'paste': {
      if (!state.clipboard) return fail(state, 'Nothing copied yet');
      const at = action.at ?? afterSelected(state, catalog);
      if (!at) return fail(state, 'Select a step (or click + on a path) to paste after it');
      return commit(state, pasteFragment(graph, state.clipboard, at, catalog), 'Paste');
    }
    case 'undo': {
      const result = undoChange(state.history);
      if (!result) return state;
      return {
        ...state,
        draft: result.document,
        history: result.history,
        edits: state.edits + 1,
        notice: { tone: 'info', text: `Undid: ${result.label}` },
      };
    }
    case 'redo': {
      const result = redoChange(state.history);
      if (!result) return state;
      return {
        ...state,
        draft: result.document,
        history: result.history,
        edits: state.edits + 1,
        notice: { tone: 'info', text: `Redid: ${result.label}` },
      };
    }
    case 'seal':
      return state.history.open ? { ...state, history: sealHistory(state.history) } : state;
    case 'select': {
      // Moving to another step ends the typing gesture on the previous one.
      const { pendingDelete: _p, ...rest } = state;
      return { ...rest, history: sealHistory(state.history), selectedId: action.nodeId };
    }
    case 'dismissNotice': {
      const { notice: _n, ...rest } = state;
      return rest;
    }
  }
}
