import { describe, expect, it } from 'vitest';
import { deriveSecretKeys, loadSecretKeys } from './keys';
import { decryptSecrets, encryptSecrets } from './secret-box';

const keys = deriveSecretKeys('0'.repeat(64));

describe('provider secrets at rest', () => {
  it('round-trips and never stores the plaintext', () => {
    const sealed = encryptSecrets(keys, { password: 'hunter2-very-secret' }, 'provider:w:smtp');
    expect(sealed).not.toContain('hunter2');
    expect(decryptSecrets(keys, sealed, 'provider:w:smtp')).toEqual({ password: 'hunter2-very-secret' });
  });

  it('uses a fresh nonce every time', () => {
    expect(encryptSecrets(keys, { a: 'b' }, 'x')).not.toBe(encryptSecrets(keys, { a: 'b' }, 'x'));
  });

  it('refuses a ciphertext moved to another row or altered', () => {
    const sealed = encryptSecrets(keys, { token: 't' }, 'provider:w:one');
    expect(() => decryptSecrets(keys, sealed, 'provider:w:two')).toThrow();
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecrets(keys, parts.join(':'), 'provider:w:one')).toThrow();
  });

  it('refuses another key', () => {
    const sealed = encryptSecrets(keys, { token: 't' }, 'a');
    expect(() => decryptSecrets(deriveSecretKeys('1'.repeat(64)), sealed, 'a')).toThrow();
  });

  it('derives different keys for encryption and signing, and requires a key in production', () => {
    expect(keys.encryption.equals(keys.signing)).toBe(false);
    expect(() => loadSecretKeys({ NODE_ENV: 'production' })).toThrow(/WAKEFLOW_SECRET_KEY/);
    expect(loadSecretKeys({ WAKEFLOW_SECRET_KEY: 'a long enough passphrase' }).encryption).toHaveLength(32);
    expect(() => deriveSecretKeys('short')).toThrow();
  });
});
