/** Audit and approval actors are `user:<id>`, `api_key:<id>` or `local`: this names them as people read them. */
import { useApiKeys, useMe, usePeople } from '../../api/people';
import { useAccess } from './access';

export function actorLabel(
  actor: string,
  people: readonly { userId: string; email: string; name: string | null }[],
  keys: readonly { id: string; name: string }[] = [],
): string {
  if (actor === 'local') return 'Local admin';
  const [kind, id] = actor.split(':', 2) as [string, string | undefined];
  if (kind === 'user') {
    const person = people.find((p) => p.userId === id);
    return person ? person.name || person.email : `person ${id?.slice(0, 8)}`;
  }
  if (kind === 'api_key') {
    const key = keys.find((k) => k.id === id);
    return key ? `API key “${key.name}”` : `API key ${id?.slice(0, 8)}`;
  }
  return actor;
}

export function useActorName(): (actor: string) => string {
  const access = useAccess();
  const me = useMe();
  const people = usePeople(me.data !== undefined);
  const keys = useApiKeys(access.can('api_keys.manage'));
  return (actor) => actorLabel(actor, people.data ?? [], keys.data ?? []);
}
