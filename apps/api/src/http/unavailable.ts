/**
 * Which dependency an error says is unreachable, so the error handler answers 503 with Retry-After (the client
 * should simply try again) instead of a 500 (our bug). Only outages count: a Temporal call refused for a reason
 * of its own (a bad argument, a missing workflow) or a failing SQL statement stays a 500.
 */
import { ServiceError, isGrpcServiceError } from '@temporalio/client';
import { errorChain, isDatabaseOutageError } from '@wakeflow/db';

export type UnavailableDependency = 'temporal' | 'database';

/** gRPC codes of a Temporal frontend that cannot be reached or did not answer within the call's deadline. */
const temporalOutageCodes: ReadonlySet<number> = new Set([
  14, // UNAVAILABLE
  4, // DEADLINE_EXCEEDED
]);

export function unavailableDependency(error: unknown): UnavailableDependency | undefined {
  for (const e of errorChain(error)) {
    if (isGrpcServiceError(e)) return temporalOutageCodes.has(e.code) ? 'temporal' : undefined;
    if (e instanceof ServiceError) continue; // its cause, a gRPC error, decides
    // The API opens sockets only to PostgreSQL (Temporal's errors come as gRPC codes).
    if (isDatabaseOutageError(e)) return 'database';
  }
  return undefined;
}
