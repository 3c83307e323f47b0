/**
 * Undo/redo as a list of marked changes, one per user gesture (after tldraw). An entry keeps the document before
 * and after the gesture; documents are immutable and share every unchanged step, so an entry costs only what the
 * gesture changed. Typing into one field is one gesture: changes with the same merge key fold into the open
 * entry until it is sealed (the field loses focus, or any other edit happens).
 */
export interface HistoryEntry<D> {
  label: string;
  before: D;
  after: D;
  mergeKey?: string;
}

export interface History<D> {
  past: readonly HistoryEntry<D>[];
  future: readonly HistoryEntry<D>[];
  /** The last entry still accepts changes with its merge key. */
  open: boolean;
}

export const HISTORY_LIMIT = 200;

export function emptyHistory<D>(): History<D> {
  return { past: [], future: [], open: false };
}

export function recordChange<D>(history: History<D>, entry: HistoryEntry<D>): History<D> {
  const last = history.past[history.past.length - 1];
  if (history.open && last && entry.mergeKey !== undefined && last.mergeKey === entry.mergeKey) {
    return { past: [...history.past.slice(0, -1), { ...last, after: entry.after }], future: [], open: true };
  }
  const past = [...history.past, entry];
  return {
    past: past.length > HISTORY_LIMIT ? past.slice(past.length - HISTORY_LIMIT) : past,
    future: [],
    open: entry.mergeKey !== undefined,
  };
}

export function sealHistory<D>(history: History<D>): History<D> {
  return history.open ? { ...history, open: false } : history;
}

export function undoChange<D>(
  history: History<D>,
): { history: History<D>; document: D; label: string } | undefined {
  const entry = history.past[history.past.length - 1];
  if (!entry) return undefined;
  return {
    history: { past: history.past.slice(0, -1), future: [entry, ...history.future], open: false },
    document: entry.before,
    label: entry.label,
  };
}

export function redoChange<D>(
  history: History<D>,
): { history: History<D>; document: D; label: string } | undefined {
  const entry = history.future[0];
  if (!entry) return undefined;
  return {
    history: { past: [...history.past, entry], future: history.future.slice(1), open: false },
    document: entry.after,
    label: entry.label,
  };
}
