/**
 * Hash paths of the messages section: `/messages` templates, `/messages/templates/:id|new`, providers, coupon
 * pools, and the message log with its filters in the query (`/messages/log?customerId=…&journeyId=…`).
 */
import type { MessageLogFilters } from '../../api/messages';
import { messageChannels, messageStatuses } from '../../api/messages';

export type MessagesRoute =
  | { page: 'templates' }
  | { page: 'template'; id: string | null }
  | { page: 'providers' }
  | { page: 'coupons' }
  | { page: 'log'; filters: MessageLogFilters };

export const MESSAGES_PATH = '/messages';

export function parseMessagesPath(path: string): MessagesRoute | null {
  const [rawPath, rawQuery = ''] = path.split('?');
  const clean = rawPath!.replace(/\/+$/, '');
  if (clean !== MESSAGES_PATH && !clean.startsWith(`${MESSAGES_PATH}/`)) return null;
  const rest = clean.slice(MESSAGES_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (rest.length === 0 || (rest[0] === 'templates' && rest.length === 1)) return { page: 'templates' };
  if (rest[0] === 'templates' && rest.length === 2)
    return { page: 'template', id: rest[1] === 'new' ? null : rest[1]! };
  if (rest[0] === 'providers' && rest.length === 1) return { page: 'providers' };
  if (rest[0] === 'coupons' && rest.length === 1) return { page: 'coupons' };
  if (rest[0] === 'log' && rest.length === 1) return { page: 'log', filters: filtersFromQuery(rawQuery) };
  return null;
}

export function filtersFromQuery(query: string): MessageLogFilters {
  const params = new URLSearchParams(query);
  const filters: MessageLogFilters = {};
  const customerId = params.get('customerId')?.trim();
  const journeyId = params.get('journeyId')?.trim();
  const status = params.get('status');
  const channel = params.get('channel');
  if (customerId) filters.customerId = customerId;
  if (journeyId) filters.journeyId = journeyId;
  if (status && (messageStatuses as readonly string[]).includes(status))
    filters.status = status as MessageLogFilters['status'];
  if (channel && (messageChannels as readonly string[]).includes(channel))
    filters.channel = channel as MessageLogFilters['channel'];
  return filters;
}

export function messagesHref(route: MessagesRoute): string {
  switch (route.page) {
    case 'templates':
      return `#${MESSAGES_PATH}`;
    case 'template':
      return `#${MESSAGES_PATH}/templates/${route.id ? encodeURIComponent(route.id) : 'new'}`;
    case 'providers':
      return `#${MESSAGES_PATH}/providers`;
    case 'coupons':
      return `#${MESSAGES_PATH}/coupons`;
    case 'log': {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(route.filters)) if (v) params.set(k, String(v));
      const q = params.toString();
      return `#${MESSAGES_PATH}/log${q ? `?${q}` : ''}`;
    }
  }
}

export function messagesTabs(route: MessagesRoute) {
  const on = (pages: MessagesRoute['page'][]) => pages.includes(route.page);
  return [
    { label: 'Templates', href: messagesHref({ page: 'templates' }), active: on(['templates', 'template']) },
    { label: 'Providers', href: messagesHref({ page: 'providers' }), active: on(['providers']) },
    { label: 'Coupon pools', href: messagesHref({ page: 'coupons' }), active: on(['coupons']) },
    { label: 'Message log', href: messagesHref({ page: 'log', filters: {} }), active: on(['log']) },
  ];
}
