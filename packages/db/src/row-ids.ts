/**
 * Row ids that sort by creation time (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
 * sequence within the millisecond, then random bits. A run's or message's id keys several indexes (the run's row, its
 * summary, its steps; the message's row); with random ids every insert lands on a random page of each, and a cohort's
 * thousand members are a thousand pages apart in every one of them. Ids made together are neighbours instead: inserts
 * append at the end of the indexes, and a batch's updates read a few pages. The database's own default for these
 * tables, `time_ordered_uuid()` (migration 0024), makes the same ids.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/** A new time-ordered id; within one process, each sorts after the one before. */
export function timeOrderedUuid(now: number = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    sequence += 1;
    // 4,096 ids in one millisecond: borrow the next millisecond rather than repeat an order.
    if (sequence > 0xfff) {
      ms += 1;
      sequence = 0;
    }
  } else {
    sequence = 0;
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  // 48-bit big-endian milliseconds (Number is exact to 2^53).
  bytes.writeUIntBE(ms, 0, 6);
  // Version 7 and the sequence's top 4 bits; then its low 8 bits.
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  // RFC 9562 variant (10xx xxxx).
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
