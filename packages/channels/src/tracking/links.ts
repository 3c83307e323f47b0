/**
 * Links inside messages: one-click unsubscribe, the open pixel and click redirects. Each carries a signed token
 * (see secrets/signed-token.ts), so nobody can unsubscribe someone else, inflate opens, or turn our redirect into
 * an open redirect to a URL that was not in the message. The API serves these paths under the public base URL.
 */
import type { SecretKeys } from '../secrets/keys';
import { urlOutsideBase } from '../net/url-scope';
import { signToken } from '../secrets/signed-token';

export const TRACKING_PATHS = {
  unsubscribe: '/api/t/u/',
  open: '/api/t/o/',
  click: '/api/t/c/',
} as const;

export interface LinkContext {
  keys: SecretKeys;
  /** Public origin of the app (`WAKEFLOW_PUBLIC_URL`, e.g. `https://wakeflow.example.com`); the API serves `/api/t/…`. */
  publicBaseUrl: string;
  workspaceId: string;
  messageId: string;
}

const join = (base: string, path: string, token: string) => `${base.replace(/\/$/, '')}${path}${token}`;

export function unsubscribeUrl(ctx: LinkContext, customerId: string, channel: string): string {
  const token = signToken(ctx.keys, 'unsubscribe', {
    w: ctx.workspaceId,
    c: customerId,
    ch: channel,
    m: ctx.messageId,
  });
  return join(ctx.publicBaseUrl, TRACKING_PATHS.unsubscribe, token);
}

export function openPixelUrl(ctx: LinkContext): string {
  return join(
    ctx.publicBaseUrl,
    TRACKING_PATHS.open,
    signToken(ctx.keys, 'open', { w: ctx.workspaceId, m: ctx.messageId }),
  );
}

export function clickUrl(ctx: LinkContext, target: string): string {
  return join(
    ctx.publicBaseUrl,
    TRACKING_PATHS.click,
    signToken(ctx.keys, 'click', { w: ctx.workspaceId, m: ctx.messageId, u: target }),
  );
}

const ANCHOR_HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"'\s>]+)\2/gi;

function decodeEntities(url: string): string {
  return url.replace(/&amp;/g, '&').replace(/&#38;/g, '&');
}

/**
 * Rewrites http(s) links in anchors to signed click redirects (except the unsubscribe link, which must keep
 * working without us counting it as interest) and appends a 1×1 open pixel before `</body>`.
 */
export function instrumentHtml(
  html: string,
  ctx: LinkContext,
  options: { opens: boolean; clicks: boolean; unsubscribeUrl: string | null },
): string {
  let out = html;
  if (options.clicks) {
    out = out.replace(ANCHOR_HREF, (whole, prefix: string, quote: string, url: string) => {
      const target = decodeEntities(url);
      const ownLink = urlOutsideBase(target, join(ctx.publicBaseUrl, '/api/t/', '')) === null;
      if (target === options.unsubscribeUrl || ownLink) return whole;
      return `${prefix}${quote}${clickUrl(ctx, target)}${quote}`;
    });
  }
  if (options.opens) {
    const pixel = `<img src="${openPixelUrl(ctx)}" width="1" height="1" alt="" style="display:none;border:0" />`;
    out = /<\/body>/i.test(out) ? out.replace(/<\/body>/i, `${pixel}</body>`) : `${out}${pixel}`;
  }
  return out;
}
