/**
 * Which dependency an error says is unreachable, so the error handler answers 503 with Retry-After (the client
 * should simply try again) instead of a 500 (our bug). Only outages count: a Temporal call refused for a reason
 * of its own (a bad argument, a missing workflow) or a failing SQL statement stays a 500.
 */
import { ServiceError, isGrpcServiceError } from '@temporalio/client';

export type UnavailableDependency = 'temporal' | 'database';

/** gRPC codes of a Temporal frontend that cannot be reached or did not answer within the call's deadline. */
const temporalOutageCodes: ReadonlySet<number> = new Set([
  14, // UNAVAILABLE
  4, // DEADLINE_EXCEEDED
]);

/**
 * PostgreSQL: class 08 (connection exception) and 57P01–57P03 (server shutting down, crashed, starting up);
 * node-postgres' own messages when a connection drops or cannot be had within `connectionTimeoutMillis`.
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
/** Socket errors while connecting; the API opens sockets only to PostgreSQL (Temporal's come as gRPC codes). */
const socketOutageCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The error and what it wraps (`cause`, and AggregateError's attempts, as Node's dual-stack connect gives). */
function* chain(error: unknown, depth = 0): Generator<unknown> {
  if (depth > 8 || error === null || error === undefined) return;
  yield error;
  if (error instanceof AggregateError) for (const inner of error.errors) yield* chain(inner, depth + 1);
  if (error instanceof Error) yield* chain(error.cause, depth + 1);
}

export function unavailableDependency(error: unknown): UnavailableDependency | undefined {
  for (const e of chain(error)) {
    if (isGrpcServiceError(e)) return temporalOutageCodes.has(e.code) ? 'temporal' : undefined;
    if (e instanceof ServiceError) continue; // its cause, a gRPC error, decides
    if (!(e instanceof Error)) continue;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (pgOutageCodes.has(code) || socketOutageCodes.has(code)))
      return 'database';
    if (pgOutageMessages.some((pattern) => pattern.test(e.message))) return 'database';
  }
  return undefined;
}
