import { describe, expect, it } from 'vitest';
import { deriveSecretKeys } from '../secrets/keys';
import { verifyToken } from '../secrets/signed-token';
import { instrumentHtml, unsubscribeUrl } from './links';

const ctx = {
  keys: deriveSecretKeys('c'.repeat(64)),
  publicBaseUrl: 'https://w.example',
  workspaceId: 'w',
  messageId: 'm-1',
};

describe('message links', () => {
  it('rewrites links to signed redirects, keeps the unsubscribe link and adds a pixel', () => {
    const unsubscribe = unsubscribeUrl(ctx, 'c-1', 'email');
    const html = `<html><body><a href="https://shop.example/p?a=1&amp;b=2">Shop</a> <a href='${unsubscribe}'>Unsubscribe</a> <a href="mailto:x@y.z">m</a></body></html>`;
    const out = instrumentHtml(html, ctx, { opens: true, clicks: true, unsubscribeUrl: unsubscribe });
    const click = /href="https:\/\/w\.example\/api\/t\/c\/([^"]+)"/.exec(out);
    expect(click).not.toBeNull();
    expect(verifyToken(ctx.keys, 'click', click![1]!)).toEqual({
      w: 'w',
      m: 'm-1',
      u: 'https://shop.example/p?a=1&b=2',
    });
    expect(out).toContain(`href='${unsubscribe}'`);
    expect(out).toContain('href="mailto:x@y.z"');
    expect(out).toMatch(
      /<img src="https:\/\/w\.example\/api\/t\/o\/[^"]+" width="1" height="1"[^>]*><\/body>/,
    );
  });

  it('leaves only real links to our tracking paths unwrapped, not ones that merely start like them', () => {
    const own = 'https://w.example/api/t/o/abc';
    const lookalikes = ['https://w.example/api/t/../../elsewhere', 'https://w.example/api/t/%2e%2e/x'];
    const html = [own, ...lookalikes].map((u) => `<a href="${u}">x</a>`).join('');
    const out = instrumentHtml(html, ctx, { opens: false, clicks: true, unsubscribeUrl: null });
    expect(out).toContain(`href="${own}"`);
    for (const u of lookalikes) expect(out).not.toContain(`href="${u}"`);
  });

  it('leaves HTML alone when tracking is off', () => {
    const html = '<p><a href="https://a.example">a</a></p>';
    expect(instrumentHtml(html, ctx, { opens: false, clicks: false, unsubscribeUrl: null })).toBe(html);
  });
});
