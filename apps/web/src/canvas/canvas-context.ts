/**
 * What canvas nodes and edges need from the page besides their data: callbacks and the version being watched.
 * Passed by context so node data stays plain and stable (React Flow re-renders a node when its data changes).
 */
import { createContext, useContext } from 'react';
import type { InsertPoint } from '../editor-core';

export const KIND_DRAG_TYPE = 'application/x-wakeflow-kind';

export interface CanvasActions {
  readOnly: boolean;
  /** A palette item was dropped on a "+" or an open slot. */
  insertAt(at: InsertPoint, kind: string): void;
  /** "+" was clicked: open the step menu for that point, next to the clicked element. */
  openInsertMenu(at: InsertPoint, anchor: DOMRect): void;
  /** A published version whose counts the steps show, or undefined while editing a draft. */
  watch?: { journeyId: string; version: number };
  /** Fold or unfold the paths of a step with several (absent: the canvas does not fold). */
  togglePaths?(stepId: string): void;
  /** Show the steps of a collapsed path; `first` is its first step, which takes focus. */
  expandPath?(source: string, outcome: string, first: string): void;
}

export const CanvasContext = createContext<CanvasActions>({
  readOnly: true,
  insertAt: () => {},
  openInsertMenu: () => {},
});

export function useCanvasActions(): CanvasActions {
  return useContext(CanvasContext);
}

/** Drop-target props for anything a palette item can be dropped on. */
export function dropTargetProps(at: InsertPoint, actions: CanvasActions, setHover: (on: boolean) => void) {
  return {
    onDragOver(e: React.DragEvent) {
      if (actions.readOnly || !e.dataTransfer.types.includes(KIND_DRAG_TYPE)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setHover(true);
    },
    onDragLeave() {
      setHover(false);
    },
    onDrop(e: React.DragEvent) {
      const kind = e.dataTransfer.getData(KIND_DRAG_TYPE);
      setHover(false);
      if (!kind || actions.readOnly) return;
      e.preventDefault();
      e.stopPropagation();
      actions.insertAt(at, kind);
    },
  };
}
