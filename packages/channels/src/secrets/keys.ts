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
 * Keys from the environment. Without `WAKEFLOW_SECRET_KEY`, development and tests use a fixed key so the demo runs
 * without setup; production refuses to start rather than encrypting with a published key.
 */
export function loadSecretKeys(env: NodeJS.ProcessEnv = process.env): SecretKeys {
  const raw = env.WAKEFLOW_SECRET_KEY;
  if (raw && raw.trim()) return deriveSecretKeys(raw);
  if (env.NODE_ENV === 'production') throw new Error('WAKEFLOW_SECRET_KEY is required in production');
  return deriveSecretKeys(DEV_MASTER);
}
