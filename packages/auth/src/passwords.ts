/**
 * Password hashing with argon2id (@node-rs/argon2, OWASP's recommended parameters: 19 MiB, 2 passes). Verifying
 * an unknown account still runs one hash against a dummy, so response time does not tell which emails exist.
 */
import { hash, verify } from '@node-rs/argon2';
import { MAX_PASSWORD_LENGTH } from '@wakeflow/contracts';

/** The library's default algorithm is argon2id (its `Algorithm` const enum cannot be named under isolatedModules). */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
// The cap lives in the HTTP contract, which checks it on input; hashing checks it again.
export { MAX_PASSWORD_LENGTH };

export async function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/** True when `password` matches `stored`; a null `stored` (no such account, or OIDC only) costs the same time. */
export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword('wakeflow-timing-equaliser');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash is a refusal, not a crash.
    return false;
  }
}

/** Why a new password is refused, or null. Length only: composition rules make passwords worse, not better. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}
