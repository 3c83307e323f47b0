/**
 * Coupon codes from a pattern: `#` a digit, `?` a letter, `*` either, anything else literal (e.g. `WB20-????-####`).
 * Letters and digits that read alike (O/0, I/1, L) are left out, because customers type these codes in.
 */
import { randomInt } from 'node:crypto';

const DIGITS = '23456789';
const LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ';
const EITHER = DIGITS + LETTERS;

/** How many distinct codes a pattern can produce; a pool needs far more than it will ever hand out. */
export function patternSpace(pattern: string): number {
  let space = 1;
  for (const ch of pattern) {
    if (ch === '#') space *= DIGITS.length;
    else if (ch === '?') space *= LETTERS.length;
    else if (ch === '*') space *= EITHER.length;
  }
  return space;
}

/** At least a million codes: collisions on generation stay rare and codes are not guessable from each other. */
export function checkPattern(pattern: string): string | null {
  if (pattern.length < 4 || pattern.length > 64) return 'A pattern has 4 to 64 characters';
  if (!/^[A-Za-z0-9#?*_-]+$/.test(pattern))
    return 'Use letters, digits, - and _ plus # (digit), ? (letter), * (either)';
  if (patternSpace(pattern) < 1_000_000)
    return 'The pattern needs more # ? * places (at least a million possible codes)';
  return null;
}

export function generateCode(pattern: string, random: (max: number) => number = randomInt): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '#') out += DIGITS[random(DIGITS.length)];
    else if (ch === '?') out += LETTERS[random(LETTERS.length)];
    else if (ch === '*') out += EITHER[random(EITHER.length)];
    else out += ch.toUpperCase();
  }
  return out;
}
