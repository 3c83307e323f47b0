/**
 * Tamper-proof tokens for links in messages (unsubscribe, open pixel, click redirect): a base64url JSON payload
 * and a truncated HMAC-SHA256 over it and its purpose. The purpose is part of the MAC, so an open-pixel token can
 * never be replayed as an unsubscribe token. Tokens do not expire: a link in a year-old email must still work.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretKeys } from './keys';

export type TokenPurpose = 'unsubscribe' | 'open' | 'click';

/** 128 bits of MAC: forging one needs 2^128 tries, and keeps links short. */
const MAC_BYTES = 16;

function mac(keys: SecretKeys, purpose: TokenPurpose, body: string): Buffer {
  return createHmac('sha256', keys.signing).update(`${purpose}.${body}`).digest().subarray(0, MAC_BYTES);
}

export function signToken(keys: SecretKeys, purpose: TokenPurpose, payload: Record<string, string>): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(keys, purpose, body).toString('base64url')}`;
}

/** The payload when the token is genuine and for this purpose, otherwise null (never throws on bad input). */
export function verifyToken(
  keys: SecretKeys,
  purpose: TokenPurpose,
  token: string,
): Record<string, string> | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 8192) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(keys, purpose, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return null;
  }
}
