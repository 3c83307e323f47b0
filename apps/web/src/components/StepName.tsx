/**
 * A step of a published version by its name (or its kind's label), for lists that only carry the step's id: the
 * runs list, a customer's journeys. Versions are immutable, so each is fetched once and shared by every row.
 */
import { useMemo } from 'react';
import { useNodeCatalog } from '../api/catalog';
import { useVersion } from '../api/versions';
import { createEditorCatalog, stepTitleById } from '../editor-core';

export function StepName({
  journeyId,
  version,
  nodeId,
}: {
  journeyId: string;
  version: number;
  nodeId: string;
}) {
  const published = useVersion(journeyId, version);
  const entries = useNodeCatalog();
  const catalog = useMemo(() => createEditorCatalog(entries.data ?? []), [entries.data]);
  if (published.isPending) return <span className="muted">…</span>;
  return <>{stepTitleById(published.data?.graph, catalog, nodeId)}</>;
}
