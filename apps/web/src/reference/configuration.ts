/**
 * How the reference renders: the document from this server, and nothing fetched from anywhere else — no web fonts,
 * no telemetry, no request proxy, no "try it" client (it would send requests through Scalar's proxy), no MCP link.
 */
import type { ComponentProps } from 'react';
import type { ApiReferenceReact } from '@scalar/api-reference-react';

type ReferenceConfiguration = ComponentProps<typeof ApiReferenceReact>['configuration'];

/** Where the API serves its OpenAPI document. */
export const OPENAPI_DOCUMENT_URL = '/api/openapi.json';

export const referenceConfiguration = {
  url: OPENAPI_DOCUMENT_URL,
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  showDeveloperTools: 'never',
  mcp: { disabled: true },
  metaData: { title: 'Wakeflow API reference' },
} satisfies ReferenceConfiguration;
