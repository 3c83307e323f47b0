/**
 * Public endpoints behind links in messages: one-click unsubscribe (RFC 8058: the POST a mail client sends from
 * the List-Unsubscribe header; a GET shows a confirmation page, because mail scanners follow GET links), the open
 * pixel and click redirects. Tokens are signed; a forged one changes nothing (and the pixel is still served, so a
 * probe learns nothing). The workspace comes from the token, not the request header.
 */
import express, { Router } from 'express';
import { applyUnsubscribe, readUnsubscribeToken, recordClick, recordOpen } from '@wakeflow/channels';
import { HttpError } from '../../http/errors';
import { channelOptions, type ChannelApiDeps } from './context';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">${body}</body></html>`;

const channelName = (channel: string) =>
  channel === 'sms' ? 'text messages' : channel === 'push' ? 'push notifications' : 'emails';

export function trackingRoutes(deps: ChannelApiDeps): Router {
  const { db } = deps;
  const options = channelOptions(deps);
  const router = Router();
  // The one-click POST is form-encoded (`List-Unsubscribe=One-Click`), not JSON.
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/t/u/:token', (req, res) => {
    const target = readUnsubscribeToken(options.keys, req.params.token);
    if (!target) throw new HttpError(404, 'not_found', 'This unsubscribe link is not valid');
    res
      .type('html')
      .send(
        page(
          'Unsubscribe',
          `<h1>Unsubscribe</h1><p>Stop receiving marketing ${channelName(target.channel)} from us?</p>` +
            `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
        ),
      );
  });

  router.post('/t/u/:token', form, async (req, res) => {
    const done = await applyUnsubscribe(db, options.keys, options.recorder, req.params.token, options.now());
    if (!done) throw new HttpError(404, 'not_found', 'This unsubscribe link is not valid');
    res
      .type('html')
      .send(
        page(
          'Unsubscribed',
          '<h1>You are unsubscribed</h1><p>You will not receive these messages any more.</p>',
        ),
      );
  });

  router.get('/t/o/:token', async (req, res) => {
    await recordOpen(db, options.keys, options.recorder, req.params.token, options.now()).catch(
      (error: unknown) => {
        // A pixel must always load; a failed record is logged, not shown.
        deps.logger.warn({ err: error }, 'could not record an open');
      },
    );
    res.set('Cache-Control', 'no-store, private').type('gif').send(PIXEL);
  });

  router.get('/t/c/:token', async (req, res) => {
    const target = await recordClick(db, options.keys, options.recorder, req.params.token, options.now());
    if (!target) throw new HttpError(404, 'not_found', 'This link is not valid');
    res.set('Cache-Control', 'no-store, private').redirect(302, target);
  });

  return router;
}
