/**
 * Reading the JSON Schema the API serves for a node kind (zod's `z.toJSONSchema` output, draft 2020-12): resolve
 * `$ref`s, find the discriminator of a `oneOf`, and build a starting value. Pure, so the form and the editor core
 * agree on what a schema means.
 */

/** A JSON Schema node, as far as the form reads it. */
export interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  title?: string;
  description?: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` (`#/$defs/name`) against the root schema. */
export function resolveSchema(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const match = /^#\/\$defs\/(.+)$/.exec(current.$ref);
    const target = match ? root.$defs?.[match[1]!] : undefined;
    if (!target) return {};
    current = target;
  }
  return current;
}

export function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.const !== undefined) return [typeof schema.const];
  if (schema.enum) return [...new Set(schema.enum.map((v) => typeof v))];
  return [];
}

/** The property whose `const` tells the `oneOf` branches apart (`mode`, `kind`, `type`…). */
export function discriminatorOf(
  branches: readonly JsonSchema[],
  root: JsonSchema,
): { key: string; values: string[] } | undefined {
  const resolved = branches.map((b) => resolveSchema(b, root));
  const first = resolved[0];
  if (!first?.properties) return undefined;
  for (const key of Object.keys(first.properties)) {
    const values = resolved.map((b) => {
      const p = b.properties?.[key];
      return p && typeof p.const === 'string' ? p.const : undefined;
    });
    if (values.every((v): v is string => v !== undefined)) return { key, values };
  }
  return undefined;
}

/** The `oneOf` branch a value is in, by its discriminator (the first branch when it has none yet). */
export function branchFor(
  schema: JsonSchema,
  value: unknown,
  root: JsonSchema,
): { branch: JsonSchema; index: number; key?: string } {
  const branches = schema.oneOf ?? schema.anyOf ?? [];
  const disc = discriminatorOf(branches, root);
  if (disc && isRecord(value)) {
    const index = disc.values.indexOf(String(value[disc.key]));
    if (index >= 0) return { branch: resolveSchema(branches[index]!, root), index, key: disc.key };
  }
  return { branch: resolveSchema(branches[0] ?? {}, root), index: 0, ...(disc ? { key: disc.key } : {}) };
}

/** A starting value: defaults where the schema has them, required fields present (empty), optional ones left out. */
export function defaultValue(schema: JsonSchema, root: JsonSchema = schema): unknown {
  const s = resolveSchema(schema, root);
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (s.oneOf || s.anyOf) return defaultValue((s.oneOf ?? s.anyOf)![0] ?? {}, root);
  if (s.enum) return s.enum[0];
  // A duration starts as days, the unit journeys think in: a conversion window of "1 minute" is never meant.
  const unit = s.properties?.unit ? resolveSchema(s.properties.unit, root) : undefined;
  if (s.properties?.amount && unit?.enum?.includes('days')) return { amount: 7, unit: 'days' };
  const type = typesOf(s)[0];
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(s.required ?? []);
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const p = resolveSchema(prop, root);
        if (required.has(key) || p.default !== undefined) out[key] = defaultValue(p, root);
      }
      return out;
    }
    case 'array': {
      const count = s.minItems ?? 0;
      return Array.from({ length: count }, () => defaultValue(s.items ?? {}, root));
    }
    case 'string':
      return '';
    case 'integer':
    case 'number':
      if (s.minimum !== undefined) return s.minimum;
      if (s.exclusiveMinimum !== undefined)
        return type === 'integer' ? Math.floor(s.exclusiveMinimum) + 1 : s.exclusiveMinimum + 1;
      return 0;
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}

/** A JSON Schema object from the API's `Record<string, unknown>`. */
export function asJsonSchema(value: Record<string, unknown>): JsonSchema {
  return value;
}
