/**
 * The browser security headers of the web app, in one place: the API sends them with the built app (and with its
 * own answers), and the Vite dev server with the editor that `start.sh` opens. Plain values, no imports, so both
 * the API and vite.config.ts can load this file.
 *
 * The built app needs no inline script: `vite build` emits only `<script type="module" src=…>`, so scripts are
 * `'self'`. Styles allow `'unsafe-inline'`: the email preview is a sandboxed `srcdoc` iframe, which inherits this
 * policy, and email HTML is styled with `style=` attributes and `<style>` blocks; Vite's dev server injects CSS as
 * `<style>` elements too. (React's `style={…}` props and React Flow's positioning go through the CSSOM, which CSP
 * does not restrict.) Images may come from any https host, because the previewed emails load theirs from there.
 */

export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/** For the built app the API serves. */
export const contentSecurityPolicy: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'https:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * For the Vite dev server. @vitejs/plugin-react puts React Refresh's preamble into index.html as an inline module
 * script, so scripts also need `'unsafe-inline'` here — development only, on a loopback address; the built app
 * keeps `'self'`. Vite's HMR WebSocket is same-origin, which `connect-src 'self'` covers.
 */
export const devContentSecurityPolicy: CspDirectives = {
  ...contentSecurityPolicy,
  'script-src': ["'self'", "'unsafe-inline'"],
};

export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** Sent with every answer besides the CSP (`X-Frame-Options` for browsers that predate `frame-ancestors`). */
export const securityHeaders: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
