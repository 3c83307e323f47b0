import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import { saveFailureText } from './save-failure';

describe('the autosave banner', () => {
  it('never shows the server’s raw validation text', () => {
    const text = saveFailureText(
      new ApiError(400, 'invalid_request', 'Too small: expected string to have >=1 characters'),
    );
    expect(text).not.toContain('Too small');
    expect(text).toContain('problems panel');
  });

  it('says an outage in words and a lost connection plainly', () => {
    const outage = new ApiError(
      503,
      'database_unavailable',
      'The database is unreachable; try again in a few seconds',
    );
    expect(saveFailureText(outage)).toBe('The database is unreachable; try again in a few seconds');
    expect(saveFailureText(new TypeError('Failed to fetch'))).toBe(
      'the server did not answer. Your changes are kept here',
    );
  });
});
