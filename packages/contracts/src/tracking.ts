/** Links in sent messages: one-click unsubscribe, the open pixel and click redirects. Signed tokens, no session. */
import { z } from 'zod';
import { defineRoute } from './route';

const tokenParams = z.object({ token: z.string() });
const html = { mediaType: 'text/html', description: 'A small page for the recipient' };
const tag = 'Tracking links';

export const trackingRoutes = {
  unsubscribePage: defineRoute({
    method: 'get',
    path: '/t/u/:token',
    tag,
    summary: 'The unsubscribe page of a message',
    params: tokenParams,
    responses: { 200: html },
  }),
  unsubscribe: defineRoute({
    method: 'post',
    path: '/t/u/:token',
    tag,
    summary: 'One-click unsubscribe (RFC 8058; form-encoded)',
    params: tokenParams,
    responses: { 200: html },
  }),
  open: defineRoute({
    method: 'get',
    path: '/t/o/:token',
    tag,
    summary: 'The open pixel',
    params: tokenParams,
    responses: { 200: { mediaType: 'image/gif', description: 'A 1×1 transparent GIF' } },
  }),
  click: defineRoute({
    method: 'get',
    path: '/t/c/:token',
    tag,
    summary: "Record a click and redirect to the link's target",
    params: tokenParams,
    responses: { 302: { mediaType: 'text/plain', description: 'A redirect to the target' } },
  }),
};
