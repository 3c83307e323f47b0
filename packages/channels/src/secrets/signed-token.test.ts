import { describe, expect, it } from 'vitest';
import { deriveSecretKeys } from './keys';
import { signToken, verifyToken } from './signed-token';

const keys = deriveSecretKeys('a'.repeat(64));

describe('signed link tokens', () => {
  it('verifies its own tokens', () => {
    const token = signToken(keys, 'click', { m: 'id', u: 'https://shop.example/a?b=1' });
    expect(verifyToken(keys, 'click', token)).toEqual({ m: 'id', u: 'https://shop.example/a?b=1' });
  });

  it('refuses a token of another purpose, a changed payload, another key and garbage', () => {
    const token = signToken(keys, 'open', { m: 'id' });
    expect(verifyToken(keys, 'unsubscribe', token)).toBeNull();
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ m: 'other' })).toString('base64url')}.${mac}`;
    expect(verifyToken(keys, 'open', forged)).toBeNull();
    expect(verifyToken(deriveSecretKeys('b'.repeat(64)), 'open', token)).toBeNull();
    expect(verifyToken(keys, 'open', 'nonsense')).toBeNull();
    expect(verifyToken(keys, 'open', '.')).toBeNull();
  });
});
