/**
 * Checks every JSON answer the API tests get against the OpenAPI document the API serves (generated from
 * @wakeflow/contracts): the answer of a route and status is validated with the document's schema for exactly that
 * operation and status (ajv, JSON Schema 2020-12, as OpenAPI 3.1 uses), every error against the shared `Error`
 * schema, and a status the document does not list counts as a mismatch too. The test support modules call
 * `checkAnswersAgainstReference()`, so every API test file runs with it; mismatches fail the file at its end.
 */
import express, { type Request, type Response } from 'express';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, expect } from 'vitest';
import { openApiPath } from '@wakeflow/contracts';
import type { OpenApiDocument } from '@wakeflow/contracts/openapi';
import { apiReferenceDocument } from '../../src/routes/reference';

interface Mismatch {
  operation: string;
  status: number;
  problem: string;
}

interface SchemaHolder {
  content?: Record<string, { schema?: object } | undefined>;
}

let installed = false;
const mismatches: Mismatch[] = [];
let reference: { document: OpenApiDocument; ajv: Ajv2020 } | undefined;
const validators = new Map<string, ValidateFunction | null>();

function loadReference(): { document: OpenApiDocument; ajv: Ajv2020 } {
  // Formats (uuid, date-time) are documentation here; the shapes are what is checked.
  reference ??= {
    document: apiReferenceDocument(),
    ajv: new Ajv2020({ strict: false, validateFormats: false, allErrors: true }),
  };
  return reference;
}

function operationOf(operationPath: string, method: string): { responses?: object } | undefined {
  const paths = loadReference().document.paths as Record<string, Record<string, { responses?: object }>>;
  return paths[operationPath]?.[method];
}

/** The compiled schema of a JSON answer, or of the shared error; null when the answer is not JSON. */
function validatorFor(key: string, schema: object | undefined): ValidateFunction | null {
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  const { document, ajv } = loadReference();
  // `#/components/…` references resolve inside the compiled schema, so the components travel with it.
  const validate = schema ? ajv.compile({ ...schema, components: document.components }) : null;
  validators.set(key, validate);
  return validate;
}

function validateInto(operation: string, status: number, validate: ValidateFunction | null, body: unknown) {
  if (validate && !validate(body))
    mismatches.push({ operation, status, problem: loadReference().ajv.errorsText(validate.errors) });
}

function check(req: Request, status: number, body: unknown): void {
  const routePath: unknown = req.route?.path;
  const operationPath =
    typeof routePath === 'string' && req.baseUrl === '/api' ? `/api${openApiPath(routePath)}` : undefined;
  const operation = `${req.method} ${operationPath ?? req.originalUrl}`;
  const method = req.method.toLowerCase();
  const documented = operationPath ? operationOf(operationPath, method) : undefined;
  const answers = documented?.responses as Record<string, SchemaHolder | undefined> | undefined;
  if (status >= 400 && !answers?.[String(status)]) {
    // Every error, whichever layer answered it (access, limits, a handler), has the one error shape — unless the
    // route documents a body of its own for that status (a CSV import's 422 report).
    validateInto(operation, status, validatorFor('error', { $ref: '#/components/schemas/Error' }), body);
    return;
  }
  // Answers of routes outside the API router (the health check, the web app) are not part of the contract.
  if (!operationPath) return;
  if (!documented) {
    mismatches.push({ operation, status, problem: 'not in the OpenAPI document' });
    return;
  }
  const answer = answers?.[String(status)];
  if (!answer) {
    mismatches.push({ operation, status, problem: `status ${status} is not documented` });
    return;
  }
  const schema = answer.content?.['application/json']?.schema;
  validateInto(operation, status, validatorFor(`${method} ${operationPath} ${status}`, schema), body);
}

/** Installs the check (once per test process) and fails the calling test file if any answer did not match. */
export function checkAnswersAgainstReference(): void {
  if (!installed) {
    installed = true;
    const json = express.response.json;
    express.response.json = function checkedJson(this: Response, body?: unknown) {
      // What the client receives: dates become strings, undefined fields disappear.
      const sent: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
      check(this.req, this.statusCode, sent);
      return json.call(this, body);
    };
  }
  afterAll(() => {
    const found = mismatches.splice(0);
    expect(found, 'answers that do not match the OpenAPI document (packages/contracts)').toEqual([]);
  });
}
