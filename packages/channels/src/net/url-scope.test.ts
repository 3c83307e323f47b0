import { describe, expect, it } from 'vitest';
import { urlOutsideBase } from './url-scope';

const base = 'https://api.partner.com';

describe('urlOutsideBase', () => {
  it('refuses the spellings a string prefix lets through', () => {
    const attacks: [string, string, string][] = [
      ['suffix host', base, 'https://api.partner.com.evil.tld/hook'],
      ['suffix host, encoded dots', base, 'https://api%2epartner%2ecom.evil.tld/hook'],
      ['userinfo', base, 'https://api.partner.com@evil.tld/hook'],
      ['userinfo with password', base, 'https://api.partner.com:x@evil.tld/hook'],
      ['userinfo after an encoded slash', base, 'https://api.partner.com%2f@evil.tld/'],
      ['path prefix', `${base}/v1`, 'https://api.partner.com/v10/hook'],
      ['path prefix, base with slash', `${base}/v1/`, 'https://api.partner.com/v1-admin'],
      ['dot segments', `${base}/v1`, 'https://api.partner.com/v1/../admin'],
      ['encoded dot segments', `${base}/v1`, 'https://api.partner.com/v1/%2e%2e/admin'],
      ['mixed encoded dot segments', `${base}/v1`, 'https://api.partner.com/v1/.%2E/admin'],
      ['encoded slash', `${base}/v1`, 'https://api.partner.com/v1/..%2Fadmin'],
      ['encoded backslash', `${base}/v1`, 'https://api.partner.com/v1/..%5cadmin'],
      ['different port', base, 'https://api.partner.com:8443/hook'],
      ['port as suffix', 'http://127.0.0.1:4000', 'http://127.0.0.1:40001/hook'],
      ['scheme change', base, 'http://api.partner.com/hook'],
      ['trailing dot', base, 'https://api.partner.com./hook'],
      ['fragment trick', base, 'https://evil.tld#@api.partner.com/'],
      ['not a URL', base, 'api.partner.com/hook'],
      ['other scheme', base, 'javascript:alert(1)//api.partner.com'],
    ];
    for (const [name, scope, url] of attacks) expect(urlOutsideBase(url, scope), name).not.toBeNull();
  });

  it('admits URLs on the same origin under the base path', () => {
    const good: [string, string][] = [
      [base, 'https://api.partner.com'],
      [base, 'https://api.partner.com/'],
      [base, 'https://api.partner.com/anything/at/all?x=1'],
      [`${base}/`, 'https://api.partner.com/hook'],
      [`${base}/v1`, 'https://api.partner.com/v1'],
      [`${base}/v1`, 'https://api.partner.com/v1/'],
      [`${base}/v1`, 'https://api.partner.com/v1/tasks?src=wf#top'],
      [`${base}/v1/`, 'https://api.partner.com/v1/tasks'],
      [`${base}/v1`, 'https://API.Partner.COM:443/v1/tasks'],
      [`${base}/v1`, 'https://api.partner.com/v1/./tasks'],
      [`${base}/v1`, 'https://api.partner.com/v1/x/../tasks'],
      ['http://127.0.0.1:4000/hooks', 'http://127.0.0.1:4000/hooks/a'],
      ['https://bücher.example/api', 'https://xn--bcher-kva.example/api/orders'],
    ];
    for (const [scope, url] of good) expect(urlOutsideBase(url, scope), url).toBeNull();
  });

  it('refuses everything under a base that carries credentials or does not parse', () => {
    expect(urlOutsideBase('https://api.partner.com/x', 'https://u:p@api.partner.com')).toMatch(/user name/);
    expect(urlOutsideBase('https://api.partner.com/x', '')).toMatch(/base URL is not valid/);
  });

  it('says why', () => {
    expect(urlOutsideBase('https://api.partner.com.evil.tld/', base)).toBe('not on https://api.partner.com');
    expect(urlOutsideBase('https://api.partner.com/v10', `${base}/v1`)).toBe('path not under /v1');
  });
});
