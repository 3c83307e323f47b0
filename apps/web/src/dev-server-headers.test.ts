import { describe, expect, it } from 'vitest';
import config from '../vite.config';

// The editor URL start.sh prints is Vite's dev server: it must send the same protective headers as the API.
describe('the editor dev server', () => {
  it('sends the security headers, with a CSP that forbids framing and plugins', () => {
    const headers = (config as { server?: { headers?: Record<string, string> } }).server?.headers ?? {};
    expect(headers['X-Content-Type-Options'] ?? headers['x-content-type-options']).toBe('nosniff');
    const csp = headers['Content-Security-Policy'] ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
  });
});
