/**
 * Random secrets and how they are kept. Session ids, reset tokens and API keys are 256-bit random strings handed to
 * the client once; the database keeps only their SHA-256, which is enough for secrets this long (no slow hash
 * needed) and means a copy of the database signs nobody in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time string comparison (CSRF tokens, states): no early exit that leaks a matching prefix. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
