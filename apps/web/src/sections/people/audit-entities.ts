/**
 * What an audit row is about, by name: "journey “Win back”" rather than a uuid, from the lists the web app already
 * has (journeys, templates, segments). An entity without a known name (deleted since, or a kind with no list) keeps
 * its id, so the row still says exactly what it was.
 */
export interface EntityNames {
  journey?(id: string): string | undefined;
  template?(id: string): string | undefined;
  segment?(id: string): string | undefined;
}

export interface EntityLabel {
  kind: string;
  name?: string;
  id: string;
}

export function auditEntityLabel(
  type: string | null,
  entityId: string | null,
  names: EntityNames,
): EntityLabel {
  const entityType = type ?? '';
  if (entityId === null) return { kind: entityType.replace(/_/g, ' '), id: '' };
  const lookup =
    entityType === 'journey' || entityType === 'journey_version' || entityType === 'publish_request'
      ? names.journey
      : entityType === 'template'
        ? names.template
        : entityType === 'segment'
          ? names.segment
          : undefined;
  // Version and request ids start with the journey's id ("<journey>:3"): name the journey they belong to.
  const name = lookup?.(entityId) ?? lookup?.(entityId.split(':')[0] ?? entityId);
  return { kind: entityType.replace(/_/g, ' '), id: entityId, ...(name ? { name } : {}) };
}
