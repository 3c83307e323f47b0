/**
 * A step's (or the journey's) settings form: the generated form plus its errors — the schema's own checks on
 * every keystroke, overlaid with the API's messages for the same fields once `validate` answers.
 */
import { useMemo } from 'react';
import { SchemaForm, type FormLookups } from './SchemaForm';
import type { JsonSchema } from './json-schema';
import { errorsByPath, validateAgainstSchema } from './validate';

export interface ConfigFormProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(value: Record<string, unknown>, path: string): void;
  onCommit?(): void;
  /** Problems from the API, with paths relative to this value (`duration.amount`, `arms`). */
  serverErrors?: readonly { path: string; message: string }[];
  lookups?: FormLookups;
  name?: string;
}

export function ConfigForm({
  schema,
  value,
  onChange,
  onCommit,
  serverErrors = [],
  lookups,
  name,
}: ConfigFormProps) {
  const errors = useMemo(() => {
    const local = errorsByPath(validateAgainstSchema(schema, value));
    // The server speaks the zod schema's own words ("Use a 24-hour time like 20:00"); prefer them when both
    // agree a field is wrong, and keep server-only findings (refinements) too.
    for (const e of serverErrors)
      if (local.has(e.path) || !local.size || !schemaCovers(local, e.path)) local.set(e.path, e.message);
    return local;
  }, [schema, value, serverErrors]);
  return (
    <SchemaForm
      schema={schema}
      value={value}
      onChange={onChange}
      errors={errors}
      {...(onCommit ? { onCommit } : {})}
      {...(lookups ? { lookups } : {})}
      {...(name ? { name } : {})}
    />
  );
}

function schemaCovers(local: ReadonlyMap<string, string>, path: string): boolean {
  for (const p of local.keys()) if (p.startsWith(`${path}.`)) return true;
  return false;
}
