/** Published versions and a readable diff between any two of them (or a version and the current draft). */
import { useMemo, useState } from 'react';
import { X } from 'lucide-react';
import { useVersion, useVersions } from '../api/versions';
import type { JourneyDraft } from '../api/types';
import { describeDiff, diffJourneys, diffWords, type EditorCatalog } from '../editor-core';
import { hrefFor } from '../router';

const DRAFT = 'draft';

export function HistoryDrawer({
  journeyId,
  draft,
  catalog,
  onClose,
}: {
  journeyId: string;
  draft: JourneyDraft;
  catalog: EditorCatalog;
  onClose(): void;
}) {
  const versions = useVersions(journeyId);
  const list = versions.data ?? [];
  const [fromChoice, setFrom] = useState<string>();
  const [toChoice, setTo] = useState<string>();
  const from =
    fromChoice ?? (list[1] ? String(list[1].version) : list[0] ? String(list[0].version) : undefined);
  const to = toChoice ?? DRAFT;
  const fromVersion = useVersion(journeyId, from && from !== DRAFT ? Number(from) : undefined);
  const toVersion = useVersion(journeyId, to !== DRAFT ? Number(to) : undefined);
  const lines = useMemo(() => {
    const a = from === DRAFT ? draft : fromVersion.data;
    const b = to === DRAFT ? draft : toVersion.data;
    return a && b ? describeDiff(diffJourneys(a, b), diffWords(a, b, catalog)) : undefined;
  }, [from, to, draft, fromVersion.data, toVersion.data, catalog]);
  const option = (v: string) => (v === DRAFT ? 'Current draft' : `Version ${v}`);
  const choices = [...list.map((v) => String(v.version)), DRAFT];
  return (
    <aside className="drawer" aria-label="Version history" data-testid="history">
      <div className="drawer-header">
        <div className="panel-title">Version history</div>
        <button type="button" className="icon-button" aria-label="Close history" onClick={onClose}>
          <X size={16} />
        </button>
      </div>
      {list.length === 0 ? (
        <p className="muted">Nothing published yet. Publishing creates version 1.</p>
      ) : null}
      <ul className="version-list">
        {list.map((v) => (
          <li key={v.version}>
            <span>
              <b>Version {v.version}</b> · {new Date(v.publishedAt).toLocaleString()}
            </span>
            <a href={hrefFor({ page: 'version', journeyId, version: v.version })}>View with counts</a>
          </li>
        ))}
      </ul>
      {list.length ? (
        <>
          <div className="diff-pickers">
            <label>
              From
              <select aria-label="Compare from" value={from} onChange={(e) => setFrom(e.target.value)}>
                {choices.map((c) => (
                  <option key={c} value={c}>
                    {option(c)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              To
              <select aria-label="Compare to" value={to} onChange={(e) => setTo(e.target.value)}>
                {choices.map((c) => (
                  <option key={c} value={c}>
                    {option(c)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ul className="diff-lines" data-testid="diff">
            {(lines ?? ['Loading…']).map((line, i) => (
              <li
                key={i}
                className={
                  line.startsWith('Added')
                    ? 'diff-added'
                    : line.startsWith('Removed')
                      ? 'diff-removed'
                      : 'diff-changed'
                }
              >
                {line}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </aside>
  );
}
