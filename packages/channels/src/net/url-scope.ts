/**
 * Whether a URL lies under a base URL, for every place that hands something to "URLs under X" only (a provider's
 * credentials to URLs under its base URL; our own tracking links left unwrapped). A string prefix is not that
 * check: `https://api.partner.com` is a prefix of `https://api.partner.com.evil.tld/` and of
 * `https://api.partner.com@evil.tld/`, and `/v1` of `/v10`. Both URLs are parsed (WHATWG, as the HTTP client
 * parses them) and compared by origin and by path segments.
 */

/** Why `url` is not under `base`, or null when it is. Unparseable input is never under anything. */
export function urlOutsideBase(url: string, base: string): string | null {
  const target = URL.canParse(url) ? new URL(url) : null;
  const scope = URL.canParse(base) ? new URL(base) : null;
  if (!target) return 'not a valid URL';
  if (!scope) return 'the base URL is not valid';
  if (target.username || target.password || scope.username || scope.password)
    return 'user name or password in the URL';
  // `origin` is scheme, host (lower-cased, IDNA, percent-decoded, IPv4 normalised) and port (default dropped).
  // A trailing dot names the same DNS host, but it is a different origin to TLS and cookies: refused.
  if (target.protocol !== scope.protocol || target.origin === 'null' || target.origin !== scope.origin)
    return `not on ${scope.origin}`;
  // Dot segments, also percent-encoded ones, are already resolved by the parser; encoded separators are not, and
  // a server that decodes them would see a path outside the base.
  if (/%2f|%5c/i.test(target.pathname)) return 'encoded slash in the path';
  const prefix = scope.pathname.replace(/\/+$/, '');
  if (prefix && target.pathname !== prefix && !target.pathname.startsWith(`${prefix}/`))
    return `path not under ${scope.pathname}`;
  return null;
}
