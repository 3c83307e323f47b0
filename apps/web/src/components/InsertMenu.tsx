/** The menu a "+" opens: the kinds that fit that point (triggers in the trigger slot, exits only at path ends), and Paste. */
import { useEffect, useRef } from 'react';
import { ClipboardPaste } from 'lucide-react';
import type { CatalogEntry } from '../api/types';
import type { InsertPoint } from '../editor-core';
import { KindIcon } from '../canvas/icons';
import { categoryLabel, groupByCategory } from './Palette';

export interface InsertMenuProps {
  at: InsertPoint;
  anchor: DOMRect;
  /** The path already leads somewhere: an exit would cut it off. */
  connected: boolean;
  entries: readonly CatalogEntry[];
  canPaste: boolean;
  onPick(kind: string): void;
  onPaste(): void;
  onClose(): void;
}

export function InsertMenu({
  at,
  anchor,
  connected,
  entries,
  canPaste,
  onPick,
  onPaste,
  onClose,
}: InsertMenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  const fits = entries.filter((e) =>
    at.kind === 'trigger' ? e.role === 'trigger' : e.role !== 'trigger' && !(connected && e.role === 'exit'),
  );
  const top = Math.min(anchor.bottom + 6, window.innerHeight - 420);
  const left = Math.min(Math.max(anchor.left + anchor.width / 2 - 150, 8), window.innerWidth - 310);
  return (
    <div className="insert-menu" ref={ref} role="menu" aria-label="Add a step" style={{ top, left }}>
      {groupByCategory(fits).map(([category, items]) => (
        <div key={category} className="insert-menu-group">
          <div className="insert-menu-heading">{categoryLabel(category)}</div>
          {items.map((entry) => (
            <button
              key={entry.type}
              type="button"
              role="menuitem"
              className="insert-menu-item"
              style={{ ['--accent' as string]: entry.palette.color }}
              onClick={() => onPick(entry.type)}
            >
              <span className="palette-icon">
                <KindIcon name={entry.palette.icon} size={14} />
              </span>
              {entry.palette.label}
            </button>
          ))}
        </div>
      ))}
      {canPaste && at.kind === 'path' ? (
        <button
          type="button"
          role="menuitem"
          className="insert-menu-item insert-menu-paste"
          onClick={onPaste}
        >
          <ClipboardPaste size={14} /> Paste copied steps
        </button>
      ) : null}
    </div>
  );
}
