import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './oidc';

describe('safeReturnTo', () => {
  it('keeps paths on this site', () => {
    expect(safeReturnTo('/journeys/1?tab=runs#top')).toBe('/journeys/1?tab=runs#top');
    expect(safeReturnTo(undefined)).toBe('/');
  });

  it('refuses every spelling a browser would take off the site', () => {
    for (const value of [
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r//evil.example',
      'https://evil.example',
      'evil.example',
      '/%09/evil.example/..',
    ]) {
      const kept = safeReturnTo(value);
      expect(new URL(kept, 'https://app.example').origin, value).toBe('https://app.example');
    }
    expect(safeReturnTo('/\t/evil.example')).toBe('/');
  });
});
