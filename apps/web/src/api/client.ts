/**
 * The one place the web app talks HTTP: JSON (or a CSV file) in, JSON out, every answer parsed by its schema from
 * @wakeflow/contracts (the same the API is typed by), every error turned into an `ApiError` with the API's code,
 * field issues and journey problems.
 */
import type { z } from 'zod';
import {
  errorBodySchema,
  requestMediaType,
  type ApiProblem,
  type ReferenceUse,
  type RouteContract,
} from '@wakeflow/contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: ApiProblem[] = [],
    readonly issues: { path: string; message: string }[] = [],
    /** From `Retry-After`: when the server expects the same request to succeed. */
    readonly retryAfterMs?: number,
    /** `in_use`: the journeys that keep a delete from happening. */
    readonly usedBy: ReferenceUse[] = [],
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
  /** How the body is sent: JSON unless the route takes a raw file (a CSV import sends the file's text). */
  bodyMediaType?: string;
  signal?: AbortSignal;
  /** Failure statuses the route documents as answers (a CSV import's 422 report): returned, not thrown. */
  answersStatus?: (status: number) => boolean;
}

function encodeBody(body: unknown, mediaType: string): string {
  if (mediaType === 'application/json') return JSON.stringify(body);
  if (typeof body !== 'string') throw new TypeError(`A ${mediaType} body must be text`);
  return body;
}

/** Sends a request; answers the status and parsed JSON of a success, throws `ApiError` for a failure. */
async function send(path: string, options: RequestOptions): Promise<{ status: number; json: unknown }> {
  const method = options.method ?? 'GET';
  const mediaType = options.bodyMediaType ?? 'application/json';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = mediaType;
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    ...(options.body === undefined ? {} : { body: encodeBody(options.body, mediaType) }),
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
  if (!response.ok && !options.answersStatus?.(response.status)) {
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) {
      const e = parsed.data.error;
      const outage = response.status === 503 && e.code in outageWhat;
      throw new ApiError(
        response.status,
        e.code,
        outage ? outageMessage(e.code, method) : e.message,
        e.problems ?? [],
        e.issues ?? [],
        retryAfterMs(response.headers.get('retry-after')),
        e.usedBy ?? [],
      );
    }
    throw new ApiError(
      response.status,
      'http_error',
      `The server answered ${response.status} ${response.statusText}`,
    );
  }
  return { status: response.status, json };
}

function parseAnswer<S extends z.ZodType>(
  path: string,
  status: number,
  schema: S,
  json: unknown,
): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      status,
      'bad_response',
      `Unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** A request whose answer is parsed by the given schema (204 No Content: schemas of bodiless answers accept undefined). */
export async function apiRequest<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.output<S>> {
  const { status, json } = await send(path, options);
  return parseAnswer(path, status, schema, json);
}

/** The statuses a route documents an answer for: its 2xx, and a failure that still answers a report (an import's 422). */
type SuccessStatus<R extends RouteContract> = Extract<keyof R['responses'], number>;

/** What a route answers: the parsed body of each documented status, `undefined` for a bodiless one. */
export type AnswerOf<R extends RouteContract> = {
  [S in SuccessStatus<R>]: R['responses'][S] extends z.ZodType ? z.output<R['responses'][S]> : undefined;
}[SuccessStatus<R>];

type InputOf<R extends RouteContract, K extends 'params' | 'query' | 'body'> = R[K] extends z.ZodType
  ? z.input<R[K]>
  : never;

/** Path params and query as the server reads them (numbers as numbers, before they become text in the URL). */
type ParsedOf<R extends RouteContract, K extends 'params' | 'query'> = R[K] extends z.ZodType
  ? z.output<R[K]>
  : never;

/** Path params, query and body of a route, typed by its contract. */
export type CallInput<R extends RouteContract> = {
  params?: ParsedOf<R, 'params'>;
  query?: Partial<ParsedOf<R, 'query'>>;
  body?: InputOf<R, 'body'>;
  signal?: AbortSignal;
};

/** `/api` + the route's path with its `:params` filled in, and the defined query values. */
export function routeUrl(route: RouteContract, params: object = {}, query: object = {}): string {
  const values = new Map(Object.entries(params));
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
    encodeURIComponent(String(values.get(name) ?? '')),
  );
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const qs = search.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

/**
 * Calls a route of the contract: the URL from its path, the method from the contract, the answer parsed with the
 * schema of the status the server answered (a route may answer 201 or 202, say).
 */
export async function callApi<R extends RouteContract>(
  route: R,
  input: CallInput<R> = {},
): Promise<AnswerOf<R>> {
  const path = routeUrl(route, input.params ?? {}, input.query ?? {});
  const { status, json } = await send(path, {
    method: route.method.toUpperCase() as Uppercase<R['method']>,
    ...(input.body === undefined ? {} : { body: input.body, bodyMediaType: requestMediaType(route) }),
    ...(input.signal ? { signal: input.signal } : {}),
    // Errors have one schema (errorBodySchema) and are never listed among a route's answers.
    answersStatus: (status) => route.responses[status] !== undefined,
  });
  const answer = route.responses[status];
  if (answer === undefined)
    throw new ApiError(status, 'bad_response', `Unexpected status ${status} from ${path}`);
  // A bodiless or non-JSON answer has nothing to parse.
  if (answer === null || !('safeParse' in answer)) return undefined as AnswerOf<R>;
  return parseAnswer(path, status, answer, json) as AnswerOf<R>;
}
