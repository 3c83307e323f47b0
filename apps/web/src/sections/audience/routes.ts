/** Hash paths of the audience section: `/audience` customers, `/audience/customers/:id`, segments, dormancy, churn model, definitions. */
export type AudienceRoute =
  | { page: 'customers' }
  | { page: 'customer'; id: string }
  | { page: 'segments' }
  | { page: 'segment'; id: string | null }
  | { page: 'dormancy' }
  | { page: 'churn' }
  | { page: 'definitions' };

export const AUDIENCE_PATH = '/audience';

export function parseAudiencePath(path: string): AudienceRoute | null {
  const clean = path.split('?')[0]!.replace(/\/+$/, '');
  if (clean !== AUDIENCE_PATH && !clean.startsWith(`${AUDIENCE_PATH}/`)) return null;
  const rest = clean.slice(AUDIENCE_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (rest.length === 0 || (rest[0] === 'customers' && rest.length === 1)) return { page: 'customers' };
  if (rest[0] === 'customers' && rest.length === 2) return { page: 'customer', id: rest[1]! };
  if (rest[0] === 'segments' && rest.length === 1) return { page: 'segments' };
  if (rest[0] === 'segments' && rest.length === 2)
    return { page: 'segment', id: rest[1] === 'new' ? null : rest[1]! };
  if (rest[0] === 'dormancy' && rest.length === 1) return { page: 'dormancy' };
  if (rest[0] === 'churn-model' && rest.length === 1) return { page: 'churn' };
  if (rest[0] === 'definitions' && rest.length === 1) return { page: 'definitions' };
  return null;
}

export function audienceHref(route: AudienceRoute): string {
  switch (route.page) {
    case 'customers':
      return `#${AUDIENCE_PATH}`;
    case 'customer':
      return `#${AUDIENCE_PATH}/customers/${encodeURIComponent(route.id)}`;
    case 'segments':
      return `#${AUDIENCE_PATH}/segments`;
    case 'segment':
      return `#${AUDIENCE_PATH}/segments/${route.id ? encodeURIComponent(route.id) : 'new'}`;
    case 'dormancy':
      return `#${AUDIENCE_PATH}/dormancy`;
    case 'churn':
      return `#${AUDIENCE_PATH}/churn-model`;
    case 'definitions':
      return `#${AUDIENCE_PATH}/definitions`;
  }
}

export function audienceTabs(route: AudienceRoute) {
  const on = (pages: AudienceRoute['page'][]) => pages.includes(route.page);
  return [
    { label: 'Customers', href: audienceHref({ page: 'customers' }), active: on(['customers', 'customer']) },
    { label: 'Segments', href: audienceHref({ page: 'segments' }), active: on(['segments', 'segment']) },
    { label: 'Dormancy', href: audienceHref({ page: 'dormancy' }), active: on(['dormancy']) },
    { label: 'Churn model', href: audienceHref({ page: 'churn' }), active: on(['churn']) },
    { label: 'Definitions', href: audienceHref({ page: 'definitions' }), active: on(['definitions']) },
  ];
}
