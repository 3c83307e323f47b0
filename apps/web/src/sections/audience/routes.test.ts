import { describe, expect, it } from 'vitest';
import { audienceHref, parseAudiencePath, type AudienceRoute } from './routes';
import { messagesHref, parseMessagesPath, type MessagesRoute } from '../messages/routes';

describe('section paths', () => {
  it('round-trips every audience page and ignores other paths', () => {
    const routes: AudienceRoute[] = [
      { page: 'customers' },
      { page: 'customer', id: 'c-1' },
      { page: 'segments' },
      { page: 'segment', id: null },
      { page: 'segment', id: 'vip' },
      { page: 'dormancy' },
      { page: 'definitions' },
    ];
    for (const r of routes) expect(parseAudiencePath(audienceHref(r).slice(1))).toEqual(r);
    expect(parseAudiencePath('/journeys/1')).toBeNull();
    expect(parseAudiencePath('/audiences')).toBeNull();
  });

  it('round-trips every messages page with log filters in the query', () => {
    const routes: MessagesRoute[] = [
      { page: 'templates' },
      { page: 'template', id: 'gift' },
      { page: 'template', id: null },
      { page: 'providers' },
      { page: 'coupons' },
      { page: 'log', filters: {} },
      { page: 'log', filters: { customerId: 'abc', status: 'failed', channel: 'sms' } },
    ];
    for (const r of routes) expect(parseMessagesPath(messagesHref(r).slice(1))).toEqual(r);
    expect(parseMessagesPath('/messages/log?status=bogus&journeyId=j1')).toEqual({
      page: 'log',
      filters: { journeyId: 'j1' },
    });
    expect(parseMessagesPath('/people')).toBeNull();
  });
});
