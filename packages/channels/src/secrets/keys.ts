/**
 * The workspace-independent master key (env `WAKEFLOW_SECRET_KEY`) and the purpose-bound keys derived from it.
 * One key is never used for two purposes: provider secrets are encrypted with one subkey and links (unsubscribe,
 * click, open) are signed with another, so a leak of signed links says nothing about the encryption key.
 */
import { createHash, hkdfSync } from 'node:crypto';

export interface SecretKeys {
  /** AES-256-GCM key for provider secrets at rest. */
  encryption: Buffer;
  /** HMAC-SHA256 key for tokens in links. */
  signing: Buffer;
}

/** A development key, used only when no key is configured outside production: anything it protects is not secret. */
const DEV_MASTER = 'wakeflow-development-key-not-secret';

function decodeMaster(raw: string): Buffer {
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b64 = Buffer.from(trimmed, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(trimmed)) return b64;
  if (trimmed.length < 16)
    throw new Error(
      'WAKEFLOW_SECRET_KEY must be 32 bytes (hex or base64) or a passphrase of at least 16 characters',
    );
  // A passphrase: stretch it into 32 bytes so any long enough string works for self-hosters.
  return createHash('sha256').update(`wakeflow-master:${trimmed}`).digest();
}

export function deriveSecretKeys(master: string | Buffer): SecretKeys {
  const ikm = typeof master === 'string' ? decodeMaster(master) : master;
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));
  return { encryption: derive('wakeflow/provider-secrets/v1'), signing: derive('wakeflow/link-signing/v1') };
}

/**
 * Whether the published development key may stand in for `WAKEFLOW_SECRET_KEY`: only where nobody but this machine
 * can reach the app (local mode without sign-in, which binds to loopback) and in tests. Whenever sign-in is
 * required, links signed with a public key could be forged (open redirects, other workspaces' unsubscribes).
 */
export function developmentKeyAllowed(env: NodeJS.ProcessEnv): boolean {
  if (env.NODE_ENV === 'production') return false;
  const localMode = env.WAKEFLOW_AUTH?.trim().toLowerCase() === 'local' && !env.WAKEFLOW_ADMIN_PASSWORD;
  return localMode || env.NODE_ENV === 'test';
}

/** Keys from the environment; without `WAKEFLOW_SECRET_KEY`, the development key where that is safe, else an error. */
export function loadSecretKeys(env: NodeJS.ProcessEnv = process.env): SecretKeys {
  const raw = env.WAKEFLOW_SECRET_KEY;
  if (raw && raw.trim()) return deriveSecretKeys(raw);
  if (!developmentKeyAllowed(env))
    throw new Error(
      'WAKEFLOW_SECRET_KEY is required whenever sign-in is required (it signs click and unsubscribe links and ' +
        'encrypts provider secrets): set it to 32 random bytes, e.g. `openssl rand -hex 32`',
    );
  return deriveSecretKeys(DEV_MASTER);
}
