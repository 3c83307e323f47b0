/**
 * Whether an error says PostgreSQL could not be reached (as opposed to a statement that failed on its own). The API
 * answers such errors with 503 and Retry-After; the message sender retries the recording of a provider's answer
 * through them instead of failing the send, which would call the provider again.
 */

/**
 * Class 08 (connection exception) and 57P01–57P03 (server shutting down, crashed, starting up); node-postgres' own
 * messages when a connection drops or cannot be had within `connectionTimeoutMillis`.
 */
const pgOutageCodes: ReadonlySet<string> = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
]);
const pgOutageMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error/,
];
/** Socket errors while connecting to the database server. */
const socketOutageCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The error and what it wraps (`cause`, and AggregateError's attempts, as Node's dual-stack connect gives). */
export function* errorChain(error: unknown, depth = 0): Generator<unknown> {
  if (depth > 8 || error === null || error === undefined) return;
  yield error;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* errorChain(inner, depth + 1);
  if (error instanceof Error) yield* errorChain(error.cause, depth + 1);
}

/** One error of the chain, judged alone. */
export function isDatabaseOutageError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (pgOutageCodes.has(code) || socketOutageCodes.has(code))) return true;
  return pgOutageMessages.some((pattern) => pattern.test(error.message));
}

export function isDatabaseOutage(error: unknown): boolean {
  for (const e of errorChain(error)) if (isDatabaseOutageError(e)) return true;
  return false;
}

/**
 * Whether PostgreSQL rolled a transaction back because of another one (40P01 deadlock detected, 40001 serialization
 * failure): nothing of it was written, and the same write may simply be made again.
 */
export function isTransactionConflict(error: unknown): boolean {
  for (const e of errorChain(error)) {
    const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}
