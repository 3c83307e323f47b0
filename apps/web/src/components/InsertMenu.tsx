/** The menu a "+" opens: the kinds that fit that point (triggers in the trigger slot, exits only at path ends), and Paste. */
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
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
  // The menu takes focus (its first item) and gives it back to the + that opened it when it closes (WAI-ARIA menu
  // button pattern), so a keyboard user never lands at the top of the page.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const onMenuKey = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next =
      e.key === 'ArrowDown'
        ? items[(at + 1) % items.length]
        : e.key === 'ArrowUp'
          ? items[(at - 1 + items.length) % items.length]
          : e.key === 'Home'
            ? items[0]
            : e.key === 'End'
              ? items.at(-1)
              : undefined;
    if (!next) return;
    e.preventDefault();
    next.focus();
  };
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
    <div
      className="insert-menu"
      ref={ref}
      role="menu"
      aria-label="Add a step"
      style={{ top, left }}
      onKeyDown={onMenuKey}
    >
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
