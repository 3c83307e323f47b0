/**
 * Every node kind from the catalog, grouped by category. Items drag onto a "+" or an open slot; a click adds
 * the kind after the selected step (or as the trigger). Custom kinds appear here without editor changes.
 */
import type { CatalogEntry } from '../api/types';
import { KIND_DRAG_TYPE } from '../canvas/canvas-context';
import { KindIcon } from '../canvas/icons';

const categoryOrder = ['trigger', 'flow', 'message', 'data', 'custom'];
const categoryLabels: Record<string, string> = {
  trigger: 'Entry',
  flow: 'Flow',
  message: 'Messages',
  data: 'Customer data',
  custom: 'Custom',
};

export function groupByCategory(entries: readonly CatalogEntry[]): [string, CatalogEntry[]][] {
  const groups = new Map<string, CatalogEntry[]>();
  for (const e of entries) groups.set(e.palette.category, [...(groups.get(e.palette.category) ?? []), e]);
  return [...groups.entries()].sort(
    ([a], [b]) => ((categoryOrder.indexOf(a) + 99) % 99) - ((categoryOrder.indexOf(b) + 99) % 99),
  );
}

export function categoryLabel(category: string): string {
  return categoryLabels[category] ?? category;
}

export function Palette({
  entries,
  onPick,
}: {
  entries: readonly CatalogEntry[];
  onPick(kind: string): void;
}) {
  return (
    <aside className="palette" aria-label="Steps">
      <div className="panel-title">Steps</div>
      <p className="palette-hint">Drag onto a + on the canvas</p>
      {groupByCategory(entries).map(([category, items]) => (
        <section key={category} className="palette-group">
          <h3>{categoryLabel(category)}</h3>
          {items.map((entry) => (
            <button
              key={entry.type}
              type="button"
              className="palette-item"
              draggable
              data-kind={entry.type}
              style={{ ['--accent' as string]: entry.palette.color }}
              title={entry.palette.description}
              onDragStart={(e) => {
                e.dataTransfer.setData(KIND_DRAG_TYPE, entry.type);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => onPick(entry.type)}
            >
              <span className="palette-icon">
                <KindIcon name={entry.palette.icon} size={15} />
              </span>
              <span className="palette-text">
                <span className="palette-label">{entry.palette.label}</span>
                <span className="palette-description">{entry.palette.description}</span>
              </span>
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
