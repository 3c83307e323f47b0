import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { hashToken, randomToken, sameSecret } from './tokens';

describe('passwords and tokens', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'wrong horse battery')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it('asks for long passwords, not complicated ones', () => {
    expect(passwordProblem('short')).toMatch(/at least/);
    expect(passwordProblem('a long lowercase phrase')).toBeNull();
  });

  it('makes long random tokens and keeps only their hash', () => {
    const t = randomToken();
    expect(t.length).toBeGreaterThanOrEqual(43);
    expect(randomToken()).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(sameSecret(t, t)).toBe(true);
    expect(sameSecret(t, `${t}x`)).toBe(false);
  });
});
