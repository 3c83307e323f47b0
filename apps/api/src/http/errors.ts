/**
 * Errors as JSON with a stable code and, for bad input, the field paths at fault. Nothing else — no stack, no
 * internal message — ever leaves the API.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import type { Problem } from '@wakeflow/journey';
import { unavailableDependency, type UnavailableDependency } from './unavailable';

export interface FieldIssue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { issues?: FieldIssue[]; problems?: Problem[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function notFound(what: string): HttpError {
  return new HttpError(404, 'not_found', `${what} not found`);
}

export function issuesFromZod(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/** Parses request input with the shared schema, or answers 400 naming every bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidRequest(where, issuesFromZod(result.error, where));
  return result.data;
}

/** The 400 for bad input, naming every field at fault (paths start with `where`). */
export function invalidRequest(where: string, issues: FieldIssue[]): HttpError {
  return new HttpError(400, 'invalid_request', `Invalid ${where}: ${issues[0]?.path} ${issues[0]?.message}`, {
    issues,
  });
}

/** Seconds a client should wait before retrying while Temporal or PostgreSQL is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const unavailableMessages: Record<UnavailableDependency, string> = {
  temporal: 'Temporal is unreachable; retry shortly',
  database: 'The database is unreachable; retry shortly',
};

/** The 503 for an outage of a dependency: the request may succeed unchanged once it is back. */
export function unavailableError(dependency: UnavailableDependency): HttpError {
  return new HttpError(503, `${dependency}_unavailable`, unavailableMessages[dependency], {
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  });
}

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'route_not_found', `No route ${req.method} ${req.path}`));
};

export function errorHandler(log: { error(obj: unknown, msg?: string): void }): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    // Outages are mapped here, in one place, so no route needs to know how Temporal or pg report them.
    const dependency = error instanceof HttpError ? undefined : unavailableDependency(error);
    if (dependency) {
      log.error({ err: error }, `${dependency} unreachable`);
      error = unavailableError(dependency);
    }
    if (error instanceof HttpError) {
      const retryAfter = error.details.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
      res
        .status(error.status)
        .json({ error: { code: error.code, message: error.message, ...error.details } });
      return;
    }
    // Body-parser errors carry a status and a type; they describe the client's input, not our state.
    const status = (error as { status?: number }).status;
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ error: { code: 'invalid_json', message: 'The request body is not valid JSON' } });
      return;
    }
    if (type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'body_too_large', message: 'The request body is too large' } });
      return;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res
        .status(status)
        .json({ error: { code: type ?? 'bad_request', message: 'The request could not be read' } });
      return;
    }
    log.error({ err: error }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side' } });
  };
}
