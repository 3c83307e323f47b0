/**
 * Customer upsert by external id, then attaching the events that arrived before the customer existed (and
 * applying their facts). Fields left out of an input keep their stored value, `null` clears them; traits and
 * consent merge key by key and tags are added, as senders expect from an "identify" call.
 */
import { sql } from 'drizzle-orm';
import type { CustomerInput } from '@wakeflow/journey';
import type { Database } from '@wakeflow/db';
import { factUpdateCtes } from '../facts/apply-facts';
import { loadAudienceSettings, type AudienceSettings } from '../settings';
import { withDeadlockRetry } from '../sql/retry';

export interface UpsertedCustomer {
  id: string;
  externalId: string;
  created: boolean;
}

export interface UpsertCustomersResult {
  customers: UpsertedCustomer[];
  created: number;
  updated: number;
  /** Earlier events of these customers that were waiting for them and are now attached. */
  attachedEvents: number;
}

/** Later inputs for the same external id win field by field, as if they had been sent one after the other. */
function mergeByExternalId(inputs: readonly CustomerInput[]): CustomerInput[] {
  const merged = new Map<string, CustomerInput>();
  for (const input of inputs) {
    const before = merged.get(input.externalId);
    if (!before) {
      merged.set(input.externalId, input);
      continue;
    }
    merged.set(input.externalId, {
      ...before,
      ...input,
      traits: { ...before.traits, ...input.traits },
      consent: { ...before.consent, ...input.consent },
      tags: [...new Set([...(before.tags ?? []), ...(input.tags ?? [])])],
    });
  }
  return [...merged.values()];
}

/** Only keys the sender set: JSON drops `undefined`, so "left out" and "null" stay distinguishable in SQL. */
function toJsonDocument(input: CustomerInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

const keep = (key: string, column: string, cast = '') =>
  sql.raw(`${column} = case when i.d ? '${key}' then (i.d->>'${key}')${cast} else c.${column} end`);

/** Upserts and returns each customer (id, external id, whether it was created), in no particular order. */
export async function upsertCustomers(
  db: Database,
  workspaceId: string,
  inputs: readonly CustomerInput[],
  options: { settings?: AudienceSettings } = {},
): Promise<UpsertedCustomer[]> {
  return (await upsertCustomersWithReport(db, workspaceId, inputs, options)).customers;
}

/** Like `upsertCustomers`, with counts of created and updated customers and of attached earlier events. */
export async function upsertCustomersWithReport(
  db: Database,
  workspaceId: string,
  inputs: readonly CustomerInput[],
  options: { settings?: AudienceSettings } = {},
): Promise<UpsertCustomersResult> {
  if (inputs.length === 0) return { customers: [], created: 0, updated: 0, attachedEvents: 0 };
  const settings = options.settings ?? (await loadAudienceSettings(db, workspaceId));
  const unique = mergeByExternalId(inputs);
  const batch = JSON.stringify(unique.map(toJsonDocument));

  return withDeadlockRetry(() =>
    db.transaction(async (tx) => {
      const inserted = await tx.execute<{ id: string; external_id: string }>(sql`
        insert into customers (workspace_id, external_id, email, phone, push_token, timezone, birthday, first_name, last_name,
                               signed_up_at, consent, traits, tags)
        select ${workspaceId}, d->>'externalId', d->>'email', d->>'phone', d->>'pushToken', coalesce(d->>'timezone', 'UTC'),
               (d->>'birthday')::date, d->>'firstName', d->>'lastName', (d->>'signedUpAt')::timestamptz,
               coalesce(d->'consent', '{}'::jsonb), coalesce(d->'traits', '{}'::jsonb),
               array(select distinct t from jsonb_array_elements_text(coalesce(d->'tags', '[]'::jsonb)) as t order by t)
        from jsonb_array_elements(${batch}::jsonb) as d
        on conflict (workspace_id, external_id) do nothing
        returning id, external_id`);
      const createdIds = new Set(inserted.rows.map((r) => r.external_id));

      // A second statement (new snapshot) so a customer created concurrently by another batch is updated too.
      const updated = await tx.execute<{ id: string; external_id: string }>(sql`
        update customers c set
          ${keep('email', 'email')}, ${keep('phone', 'phone')}, ${keep('pushToken', 'push_token')},
          ${keep('birthday', 'birthday', '::date')}, ${keep('firstName', 'first_name')}, ${keep('lastName', 'last_name')},
          ${keep('signedUpAt', 'signed_up_at', '::timestamptz')},
          timezone = coalesce(i.d->>'timezone', c.timezone),
          consent = c.consent || coalesce(i.d->'consent', '{}'::jsonb),
          traits = c.traits || coalesce(i.d->'traits', '{}'::jsonb),
          tags = array(select distinct t from unnest(c.tags || array(select jsonb_array_elements_text(coalesce(i.d->'tags', '[]'::jsonb)))) as t order by t),
          updated_at = now()
        from (select d, d->>'externalId' as external_id from jsonb_array_elements(${batch}::jsonb) as d) i
        where c.workspace_id = ${workspaceId} and c.external_id = i.external_id
          and not (i.external_id = any(${sql.param([...createdIds])}::text[]))
        returning c.id, c.external_id`);

      const attachedEvents = await attachEvents(
        tx,
        workspaceId,
        settings,
        unique.map((c) => c.externalId),
      );
      const customers: UpsertedCustomer[] = [
        ...inserted.rows.map((r) => ({ id: r.id, externalId: r.external_id, created: true })),
        ...updated.rows.map((r) => ({ id: r.id, externalId: r.external_id, created: false })),
      ];
      return { customers, created: inserted.rows.length, updated: updated.rows.length, attachedEvents };
    }),
  );
}

type Executor = Pick<Database, 'execute'>;

/**
 * Attaches unattached events to their now-known customers and applies their facts in the same statement.
 * With `externalIds` only those customers' events; without, every orphan whose customer exists (a backstop for
 * an event and its customer arriving in two transactions that could not see each other).
 */
export async function attachEvents(
  db: Executor,
  workspaceId: string,
  settings: AudienceSettings,
  externalIds?: readonly string[],
): Promise<number> {
  const only = externalIds
    ? sql`and e.customer_external_id = any(${sql.param([...externalIds])}::text[])`
    : sql``;
  const result = await db.execute<{ attached: number }>(sql`
    with changed as (
      update events e set customer_id = c.id
      from customers c
      where e.workspace_id = ${workspaceId} and e.customer_id is null ${only}
        and c.workspace_id = ${workspaceId} and c.external_id = e.customer_external_id
      returning e.customer_id, e.name, e.properties, e.occurred_at
    ),
    ${factUpdateCtes(workspaceId, settings)}
    select count(*)::int as attached from changed`);
  return result.rows[0]?.attached ?? 0;
}

/** The backstop as a scheduled job: attach every orphan event whose customer now exists. */
export async function attachOrphanEvents(db: Database, workspaceId: string): Promise<number> {
  const settings = await loadAudienceSettings(db, workspaceId);
  return withDeadlockRetry(() => attachEvents(db, workspaceId, settings));
}
