/**
 * Which journeys use a template, segment, coupon pool or provider, so a delete that would leave a step pointing at
 * nothing is refused (409 `in_use` naming them) instead of failing the runs that reach that step.
 *
 * A journey uses something when its draft does (what the manager is about to publish) or when a version that can
 * still execute steps does: the live version (also while paused) and any older version with runs in flight.
 * Renames need no check: steps refer to templates, segments and pools by id, which never changes; names are only
 * what the screens show.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import { journeyGraphSchema, type NodeCatalogView, type NodeReferences } from '@wakeflow/journey';
import { journeys, journeyVersions, runs, templates, type Database } from '@wakeflow/db';
import type { ReferenceUse } from '@wakeflow/contracts';
import { HttpError } from '../http/errors';

export type Referenced =
  | { kind: 'template' | 'segment' | 'coupon_pool'; id: string }
  /** Providers are chosen by channel, not named by steps: a step uses the provider its channel sends through. */
  | { kind: 'provider'; channel: string };

const referenceKey = {
  template: 'templateIds',
  segment: 'segmentIds',
  coupon_pool: 'couponPoolIds',
} as const satisfies Record<string, keyof NodeReferences>;

/** Every string inside a value: a draft's half-filled config cannot be parsed, yet may already name the id. */
function strings(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, into);
  return into;
}

function graphUses(
  graph: unknown,
  catalog: NodeCatalogView,
  target: Referenced,
  templateChannels: ReadonlyMap<string, string>,
): boolean {
  const parsed = journeyGraphSchema.safeParse(graph);
  if (!parsed.success) return false;
  return parsed.data.nodes.some((node) => {
    const spec = catalog.get(node.type);
    const config = spec?.configSchema.safeParse(node.config);
    const refs = config?.success ? spec?.references?.(config.data) : undefined;
    if (target.kind === 'provider') {
      const channel = (node.config as { channel?: unknown } | undefined)?.channel;
      if (channel === target.channel) return true;
      return (refs?.templateIds ?? []).some((id) => templateChannels.get(id) === target.channel);
    }
    if (config?.success) return (refs?.[referenceKey[target.kind]] ?? []).includes(target.id);
    // Unparseable draft config: the id anywhere in it counts, so a half-filled step still holds what it names.
    return spec !== undefined && strings(node.config, new Set()).has(target.id);
  });
}

export async function journeysUsing(
  db: Database,
  catalog: NodeCatalogView,
  workspaceId: string,
  target: Referenced,
): Promise<ReferenceUse[]> {
  const [drafts, versions, templateRows] = await Promise.all([
    db
      .select({ id: journeys.id, name: journeys.name, graph: journeys.draftGraph })
      .from(journeys)
      .where(and(eq(journeys.workspaceId, workspaceId), ne(journeys.status, 'archived'))),
    db
      .select({
        journeyId: journeyVersions.journeyId,
        name: journeys.name,
        version: journeyVersions.version,
        graph: journeyVersions.graph,
      })
      .from(journeyVersions)
      .innerJoin(journeys, eq(journeys.id, journeyVersions.journeyId))
      .where(
        and(
          eq(journeyVersions.workspaceId, workspaceId),
          sql`(${journeyVersions.version} = ${journeys.liveVersion} or exists (select 1 from ${runs}
            where ${runs.journeyId} = ${journeyVersions.journeyId} and ${runs.version} = ${journeyVersions.version}
            and ${runs.status} = 'running'))`,
        ),
      ),
    target.kind === 'provider'
      ? db
          .select({ id: templates.id, channel: templates.channel })
          .from(templates)
          .where(eq(templates.workspaceId, workspaceId))
      : Promise.resolve([]),
  ]);
  const templateChannels = new Map(templateRows.map((t) => [t.id, t.channel]));
  const uses = new Map<string, ReferenceUse>();
  const useOf = (journeyId: string, journeyName: string): ReferenceUse => {
    const use = uses.get(journeyId) ?? { journeyId, journeyName, draft: false, versions: [] };
    uses.set(journeyId, use);
    return use;
  };
  for (const d of drafts)
    if (graphUses(d.graph, catalog, target, templateChannels)) useOf(d.id, d.name).draft = true;
  for (const v of versions)
    if (graphUses(v.graph, catalog, target, templateChannels))
      useOf(v.journeyId, v.name).versions.push(v.version);
  return [...uses.values()]
    .map((u) => ({ ...u, versions: u.versions.sort((a, b) => a - b) }))
    .sort((a, b) => a.journeyName.localeCompare(b.journeyName));
}

function usesInWords(use: ReferenceUse): string {
  const where = [
    ...(use.versions.length ? [`version ${use.versions.join(', ')}`] : []),
    ...(use.draft ? ['the draft'] : []),
  ];
  return `“${use.journeyName}” (${where.join(' and ')})`;
}

/** Refuses, with the journeys named, to delete `what` (e.g. `The template “Gift”`) while journeys use it. */
export async function assertUnused(
  db: Database,
  catalog: NodeCatalogView,
  workspaceId: string,
  target: Referenced,
  what: string,
): Promise<void> {
  const usedBy = await journeysUsing(db, catalog, workspaceId, target);
  if (usedBy.length === 0) return;
  throw new HttpError(
    409,
    'in_use',
    `${what} is used by ${usedBy.map(usesInWords).join(', ')}; change those journeys first`,
    { usedBy },
  );
}
