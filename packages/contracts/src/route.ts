/**
 * One HTTP route as a contract: method, path, the zod schemas of its params, query and body, and of each answer
 * by status. The API parses its input with these schemas, the web app parses answers with them, and the OpenAPI
 * document is generated from the same objects — so no side can restate a shape by hand.
 */
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** An answer that is not JSON (a CSV file, a redirect, a tracking pixel): documented by its media type only. */
export interface NonJsonAnswer {
  mediaType: string;
  description: string;
}

/** Per status: a JSON body's schema, `null` for no body (204, redirects), or a non-JSON answer. */
export type RouteAnswers = Readonly<Record<number, z.ZodType | NonJsonAnswer | null>>;

export interface RouteContract {
  method: HttpMethod;
  /** Express-style, under `/api`: `/journeys/:id/versions/:version`. */
  path: string;
  /** Groups routes in the reference (one tag per resource file). */
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** How the body is sent when it is not JSON: the CSV imports take their file as the raw body. */
  bodyMediaType?: 'text/csv';
  responses: RouteAnswers;
}

/** Keeps the literal types of a contract (its schemas), checked against the general shape. */
export function defineRoute<const R extends RouteContract>(route: R): R {
  return route;
}

/** The media type of a route's request body. */
export function requestMediaType(route: RouteContract): string {
  return route.bodyMediaType ?? 'application/json';
}

/** `/journeys/:id` → `/journeys/{id}`, as OpenAPI writes path parameters. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function isNonJsonAnswer(answer: RouteAnswers[number]): answer is NonJsonAnswer {
  return answer !== null && 'mediaType' in answer && !('safeParse' in answer);
}

/** The JSON schema of a route's answer with this status, if it answers JSON there. */
export function jsonAnswerSchema(route: RouteContract, status: number): z.ZodType | undefined {
  const answer = route.responses[status];
  return answer === undefined || answer === null || isNonJsonAnswer(answer) ? undefined : answer;
}

/** The body type of a route's JSON answer with a given status. */
export type AnswerOf<
  R extends RouteContract,
  S extends keyof R['responses'],
> = R['responses'][S] extends z.ZodType ? z.output<R['responses'][S]> : never;
