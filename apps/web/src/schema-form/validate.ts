/**
 * Field-level checks of a value against the node kind's JSON Schema, as the manager types. It reads the same
 * schema the API serves (so it cannot drift from the server's zod schema) and speaks per field, in words; a
 * discriminated `oneOf` is checked against the branch the value chose, so errors never come from other branches.
 * Refinements JSON Schema cannot express (e.g. split percentages adding up to 100) come from the API's validate.
 */
import { branchFor, isRecord, resolveSchema, typesOf, type JsonSchema } from './json-schema';

export interface FieldError {
  /** Dotted path inside the value, e.g. `duration.amount` or `events.0.event`; '' for the value itself. */
  path: string;
  message: string;
}

const knownPatterns: Record<string, string> = {
  '^([01]\\d|2[0-3]):[0-5]\\d$': 'Use a 24-hour time like 20:00',
  '^[a-z][a-z0-9_]{0,39}$': 'Use lower-case letters, digits and _, starting with a letter',
  '^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$': 'Use a dot path like order.total',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'Use letters, digits and _',
};

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function typeMessage(types: string[]): string {
  if (types.includes('integer')) return 'Enter a whole number';
  if (types.includes('number')) return 'Enter a number';
  if (types.includes('boolean') && types.length === 1) return 'Choose yes or no';
  return 'Required';
}

function check(schema: JsonSchema, value: unknown, path: string, root: JsonSchema, out: FieldError[]): void {
  const s = resolveSchema(schema, root);
  if (s.oneOf) {
    const { branch } = branchFor(s, value, root);
    check(branch, value, path, root, out);
    return;
  }
  if (s.anyOf) {
    const attempts = s.anyOf.map((b) => {
      const errs: FieldError[] = [];
      check(b, value, path, root, errs);
      return errs;
    });
    if (!attempts.some((errs) => errs.length === 0)) out.push(...(attempts[0] ?? []));
    return;
  }
  const types = typesOf(s);
  if (value === undefined || (value === '' && types.length === 1 && types[0] !== 'string')) {
    out.push({ path, message: 'Required' });
    return;
  }
  if (types.length && !types.some((t) => matchesType(value, t))) {
    out.push({ path, message: typeMessage(types) });
    return;
  }
  if (s.const !== undefined && value !== s.const) out.push({ path, message: `Must be ${String(s.const)}` });
  if (s.enum && !s.enum.includes(value)) out.push({ path, message: 'Choose one of the options' });
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength)
      out.push({ path, message: s.minLength === 1 ? 'Required' : `At least ${s.minLength} characters` });
    else if (s.maxLength !== undefined && value.length > s.maxLength)
      out.push({ path, message: `At most ${s.maxLength} characters` });
    else if (s.pattern && !new RegExp(s.pattern).test(value))
      out.push({
        path,
        message: value === '' ? 'Required' : (knownPatterns[s.pattern] ?? 'Not in the expected format'),
      });
  }
  if (typeof value === 'number') {
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
      out.push({ path, message: `Must be more than ${s.exclusiveMinimum}` });
    else if (s.minimum !== undefined && value < s.minimum)
      out.push({ path, message: `Must be at least ${s.minimum}` });
    else if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum)
      out.push({ path, message: `Must be less than ${s.exclusiveMaximum}` });
    else if (s.maximum !== undefined && value > s.maximum && s.maximum < Number.MAX_SAFE_INTEGER)
      out.push({ path, message: `Must be at most ${s.maximum}` });
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems)
      out.push({ path, message: s.minItems === 1 ? 'Add at least one' : `Add at least ${s.minItems}` });
    if (s.maxItems !== undefined && value.length > s.maxItems)
      out.push({ path, message: `At most ${s.maxItems}` });
    if (s.items) value.forEach((item, i) => check(s.items!, item, join(path, i), root, out));
  }
  if (isRecord(value)) {
    for (const key of s.required ?? []) {
      if (value[key] === undefined) {
        const prop = s.properties?.[key];
        // A required object or list is reported on its own fields when it is created; absent, it is just required.
        out.push({
          path: join(path, key),
          message: prop && resolveSchema(prop, root).const !== undefined ? 'Choose an option' : 'Required',
        });
      }
    }
    for (const [key, v] of Object.entries(value)) {
      const prop = s.properties?.[key];
      if (prop) {
        if (v !== undefined) check(prop, v, join(path, key), root, out);
      } else if (isRecord(s.additionalProperties)) {
        if (s.propertyNames) check(s.propertyNames, key, join(path, key), root, out);
        check(s.additionalProperties, v, join(path, key), root, out);
      }
    }
  }
}

export function validateAgainstSchema(schema: JsonSchema, value: unknown): FieldError[] {
  const out: FieldError[] = [];
  check(schema, value, '', schema, out);
  return out;
}

/** Errors by path; the first message for a path wins. */
export function errorsByPath(errors: readonly FieldError[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of errors) if (!map.has(e.path)) map.set(e.path, e.message);
  return map;
}
