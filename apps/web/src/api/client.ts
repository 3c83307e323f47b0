/**
 * The one place the web app talks HTTP: JSON in, JSON out, every response parsed by its zod schema, every error
 * turned into an `ApiError` with the API's code, field issues and journey problems.
 */
import { z } from 'zod';
import { problemSchema, type ApiProblem } from './types';

const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z
      .array(
        z.object({
          path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]),
          message: z.string(),
        }),
      )
      .optional(),
    problems: z.array(problemSchema).optional(),
  }),
});

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: ApiProblem[] = [],
    readonly issues: { path: string; message: string }[] = [],
    /** From `Retry-After`: when the server expects the same request to succeed. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * 503s the API gives while a dependency is down (apps/api/src/http/errors.ts): the request itself was fine and
 * will succeed unchanged later, so queries ask again and people see what is happening instead of a raw message.
 */
const outageWhat: Record<string, string> = {
  temporal_unavailable: 'Temporal',
  database_unavailable: 'The database',
};

export function isOutage(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 503 && error.code in outageWhat;
}

/** Reads (queries) are retried; changes are not (see `retryQuery`), so they say to try again instead. */
function outageMessage(code: string, method: string): string {
  const what = outageWhat[code] ?? 'A service';
  return method === 'GET'
    ? `${what} is unreachable, retrying`
    : `${what} is unreachable; try again in a few seconds`;
}

const MAX_QUERY_TRIES = 3;
const MAX_OUTAGE_TRIES = 10;

/** TanStack Query's `retry`: outages for a while, other 5xx and network errors twice, a 4xx never. */
export function retryQuery(failureCount: number, error: unknown): boolean {
  if (isOutage(error)) return failureCount < MAX_OUTAGE_TRIES;
  if (error instanceof ApiError && error.status < 500) return false;
  return failureCount < MAX_QUERY_TRIES - 1;
}

/** TanStack Query's `retryDelay`: the server's Retry-After during an outage, else the usual backoff. */
export function retryQueryDelay(failureCount: number, error: unknown): number {
  if (isOutage(error) && error.retryAfterMs !== undefined) return error.retryAfterMs;
  return Math.min(1000 * 2 ** failureCount, 30_000);
}

function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The session's CSRF token (from sign-in or `GET /api/auth/me`), sent as `X-CSRF-Token` on every change; and who
 * wants to hear about a 401 (the shell, which then shows sign-in).
 */
let csrfToken: string | undefined;
const unauthorizedListeners = new Set<(path: string) => void>();

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function onUnauthorized(listener: (path: string) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

export async function apiRequest<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.output<S>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy error page, say): reported below with the status.
  }
  if (response.status === 401) for (const listener of unauthorizedListeners) listener(path);
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) {
      const e = parsed.data.error;
      const outage = response.status === 503 && e.code in outageWhat;
      throw new ApiError(
        response.status,
        e.code,
        outage ? outageMessage(e.code, method) : e.message,
        e.problems ?? [],
        (e.issues ?? []).map((i) => ({
          path: Array.isArray(i.path) ? i.path.join('.') : i.path,
          message: i.message,
        })),
        retryAfterMs(response.headers.get('retry-after')),
      );
    }
    throw new ApiError(
      response.status,
      'http_error',
      `The server answered ${response.status} ${response.statusText}`,
    );
  }
  // 204 No Content: schemas of bodiless answers accept undefined.
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'bad_response',
      `Unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
