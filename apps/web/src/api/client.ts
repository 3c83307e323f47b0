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
  ) {
    super(message);
    this.name = 'ApiError';
  }
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
      throw new ApiError(
        response.status,
        e.code,
        e.message,
        e.problems ?? [],
        (e.issues ?? []).map((i) => ({
          path: Array.isArray(i.path) ? i.path.join('.') : i.path,
          message: i.message,
        })),
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
