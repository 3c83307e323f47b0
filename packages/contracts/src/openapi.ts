/**
 * The OpenAPI 3.1 document, generated from the route contracts with @asteasolutions/zod-to-openapi — never written
 * by hand. Every operation also documents the shared error answer, and the two ways to authenticate.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { errorBodySchema } from './errors';
import { isNonJsonAnswer, openApiPath, requestMediaType, type RouteContract } from './route';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  302: 'Redirect',
  422: 'Unprocessable: see the body',
};

function requestBody(route: RouteContract, body: z.ZodType) {
  return { content: { [requestMediaType(route)]: { schema: body } } };
}

export interface OpenApiOptions {
  version: string;
  serverUrl?: string;
  /**
   * What a route needs (`public`, `signed_in` or a permission), from the API's permission table — the one place
   * that decides it — so the reference says it without this package restating it.
   */
  accessOf?: (route: RouteContract) => string | undefined;
}

export function buildOpenApiDocument(
  routes: readonly RouteContract[],
  options: OpenApiOptions = { version: '0.1.0' },
): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  // zod's own metadata names the component; no patching of zod's prototypes is needed.
  const apiError = errorBodySchema.meta({ id: 'Error' });
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`wfk_…`) from People → API keys, sent as `Authorization: Bearer <key>`',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'wakeflow_session',
    description: 'The browser session from sign-in; changes also need the `X-CSRF-Token` header',
  });
  for (const route of routes) {
    const responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }> =
      {};
    for (const [status, answer] of Object.entries(route.responses)) {
      const description = STATUS_TEXT[Number(status)] ?? 'Answer';
      if (answer === null) responses[status] = { description };
      else if (isNonJsonAnswer(answer))
        responses[status] = {
          description: answer.description,
          content: { [answer.mediaType]: { schema: { type: 'string' } } },
        };
      else responses[status] = { description, content: { 'application/json': { schema: answer } } };
    }
    responses.default = {
      description: 'An error: a stable code, a message and, for bad input, the fields at fault',
      content: { 'application/json': { schema: apiError } },
    };
    const access = options.accessOf?.(route);
    const needs =
      access === undefined || access === 'public'
        ? undefined
        : access === 'signed_in'
          ? 'Needs any signed-in principal.'
          : `Needs the \`${access}\` permission.`;
    const description = [route.description, needs].filter(Boolean).join('\n\n');
    registry.registerPath({
      method: route.method,
      path: `/api${openApiPath(route.path)}`,
      tags: [route.tag],
      summary: route.summary,
      ...(description ? { description } : {}),
      ...(access === undefined ? {} : { 'x-wakeflow-access': access }),
      ...(access === 'public' ? { security: [] } : {}),
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.body ? { body: requestBody(route, route.body) } : {}),
      },
      // The generator's own types take zod schemas here; ours are checked by `RouteContract`.
      responses: responses as Parameters<OpenAPIRegistry['registerPath']>[0]['responses'],
    });
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Wakeflow API',
      version: options.version,
      description:
        'Journeys, customers and events, runs, messages and measurement. Guide: docs/api.md in the repository.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ apiKey: [] }, { session: [] }],
  });
}
