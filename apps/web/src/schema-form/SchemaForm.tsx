/**
 * A form generated from a node kind's JSON Schema: objects become field groups, enums selects, discriminated
 * `oneOf`s a choice plus that choice's fields, lists add/remove rows. Domain shapes get the widget a campaign
 * manager expects: a duration is number + unit, a local time is a time input with weekday toggles, events,
 * segments and templates are pickers, split percentages show their total. Errors show under each field as you type.
 */
import { createContext, useContext, useId, type ReactNode } from 'react';
import { Plus, Trash2 } from 'lucide-react';
import {
  branchFor,
  defaultValue,
  discriminatorOf,
  isRecord,
  resolveSchema,
  typesOf,
  type JsonSchema,
} from './json-schema';
import { fieldLabel, optionLabel } from './labels';

export interface FormLookups {
  segments?: readonly { id: string; name: string }[];
  templates?: readonly { id: string; name: string; channel: string }[];
  /** Undefined lists mean "not available": pickers fall back to typing the id. */
  events?: readonly string[];
}

export interface SchemaFormProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  /** The whole new value, and the path of the field that changed (one undo entry per field while typing). */
  onChange(value: Record<string, unknown>, path: string): void;
  /** A field lost focus: the typing gesture is over. */
  onCommit?(): void;
  errors: ReadonlyMap<string, string>;
  lookups?: FormLookups;
  /** Prefix for element ids and `data-path`, e.g. `config`. */
  name?: string;
}

interface FormContext {
  root: JsonSchema;
  errors: ReadonlyMap<string, string>;
  lookups: FormLookups;
  onCommit(): void;
  name: string;
}

const Ctx = createContext<FormContext | null>(null);

function useForm(): FormContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('SchemaForm fields must be inside a SchemaForm');
  return ctx;
}

const join = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

export function SchemaForm({
  schema,
  value,
  onChange,
  onCommit,
  errors,
  lookups = {},
  name = 'config',
}: SchemaFormProps) {
  const ctx: FormContext = { root: schema, errors, lookups, onCommit: onCommit ?? (() => {}), name };
  return (
    <Ctx.Provider value={ctx}>
      <div className="schema-form" onBlur={ctx.onCommit}>
        <SchemaField
          schema={schema}
          value={value}
          path=""
          fieldKey=""
          onChange={(v, path) => onChange(isRecord(v) ? v : {}, path)}
          required
        />
      </div>
    </Ctx.Provider>
  );
}

interface FieldProps {
  schema: JsonSchema;
  value: unknown;
  path: string;
  /** The property name this field sits under: picks domain widgets (`segmentId`, `event`…) and the label. */
  fieldKey: string;
  onChange(value: unknown, path: string): void;
  required: boolean;
  /** Sibling values, e.g. the `channel` a template picker filters by. */
  siblings?: Record<string, unknown>;
  label?: string;
}

function FieldShell({
  label,
  path,
  children,
  hint,
  inline,
}: {
  label?: string;
  path: string;
  children: ReactNode;
  hint?: string;
  inline?: boolean;
}) {
  const { errors, name } = useForm();
  const error = errors.get(path);
  return (
    <div
      className={`field${error ? ' field-invalid' : ''}${inline ? ' field-inline' : ''}`}
      data-path={join(name, path)}
    >
      {label ? <span className="field-label">{label}</span> : null}
      {children}
      {hint && !error ? <span className="field-hint">{hint}</span> : null}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

function isDuration(s: JsonSchema): boolean {
  const p = s.properties;
  return Boolean(p && p.amount && p.unit?.enum && Object.keys(p).length === 2);
}

function isWeekdays(s: JsonSchema, key: string, root: JsonSchema): boolean {
  const items = s.items ? resolveSchema(s.items, root) : undefined;
  return key === 'weekdays' && items?.type === 'integer' && items.minimum === 1 && items.maximum === 7;
}

function isTime(s: JsonSchema): boolean {
  return s.type === 'string' && s.pattern === '^([01]\\d|2[0-3]):[0-5]\\d$';
}

function isPercentArms(s: JsonSchema, root: JsonSchema): boolean {
  const items = s.items ? resolveSchema(s.items, root) : undefined;
  return Boolean(items?.properties?.percent && items.properties.name);
}

export function SchemaField(props: FieldProps) {
  const { root } = useForm();
  const schema = resolveSchema(props.schema, root);
  const key = props.fieldKey;
  const label = props.label ?? (key ? fieldLabel(key) : undefined);
  if (schema.oneOf || (schema.anyOf && discriminatorOf(schema.anyOf, root)))
    return <UnionField {...props} schema={schema} label={label} />;
  if (schema.anyOf) return <SchemaField {...props} schema={schema.anyOf[0] ?? {}} />;
  const types = typesOf(schema);
  if (types[0] === 'object' && !types.includes('null')) {
    if (isDuration(schema)) return <DurationField {...props} schema={schema} label={label} />;
    if (!schema.properties && isRecord(schema.additionalProperties))
      return <RecordField {...props} schema={schema} label={label} />;
    return <ObjectField {...props} schema={schema} label={label} />;
  }
  if (types[0] === 'array') {
    if (isWeekdays(schema, key, root)) return <WeekdaysField {...props} label={label} />;
    return <ArrayField {...props} schema={schema} label={label} percentTotal={isPercentArms(schema, root)} />;
  }
  if (schema.enum) return <EnumField {...props} schema={schema} label={label} />;
  if (types.length === 1 && types[0] === 'boolean') return <BooleanField {...props} label={label} />;
  if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number'))
    return <NumberField {...props} schema={schema} label={label} />;
  if (types.length === 1 && types[0] === 'string') {
    // A text field, not `type="time"`: the browser's picker shows a 12-hour "--:-- --" in many locales, beside
    // a schema that asks for a 24-hour time.
    if (isTime(schema)) return <TextField {...props} label={label} placeholder="HH:MM, e.g. 20:00" time />;
    if (key === 'segmentId') return <SegmentPicker {...props} label={label} />;
    if (key === 'templateId') return <TemplatePicker {...props} label={label} />;
    if (key === 'event' || key === 'tag')
      return <TextField {...props} label={label} suggestions={key === 'event' ? 'events' : undefined} />;
    return <TextField {...props} label={label} />;
  }
  return <ScalarField {...props} label={label} />;
}

function ObjectField({ schema, value, path, onChange, label, required: isRequired }: FieldProps) {
  const { root } = useForm();
  // An optional group (a journey goal, say) is added and removed as a whole.
  if (path && !isRequired && value === undefined) {
    return (
      <div className="field" data-path={path}>
        <button
          type="button"
          className="link-button"
          onClick={() => onChange(defaultValue(schema, root), path)}
        >
          <Plus size={14} /> Add {(label ?? 'settings').toLowerCase()}
        </button>
      </div>
    );
  }
  const obj = isRecord(value) ? value : {};
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {}).filter(
    ([, p]) => resolveSchema(p, root).const === undefined,
  );
  const fields = entries.map(([k, p]) => (
    <SchemaField
      key={k}
      schema={p}
      value={obj[k]}
      path={join(path, k)}
      fieldKey={k}
      required={required.has(k)}
      siblings={obj}
      onChange={(v, changed) => {
        const next = { ...obj };
        if (v === undefined) delete next[k];
        else next[k] = v;
        onChange(next, changed);
      }}
    />
  ));
  if (!path) return <>{fields}</>;
  // A chosen branch with nothing left to fill in ("Only once", "since entering the journey") draws no empty box.
  if (fields.length === 0 && isRequired) return null;
  return (
    <fieldset className="field-group" data-path={path}>
      {label ? <legend>{label}</legend> : null}
      {!isRequired ? (
        <button
          type="button"
          className="link-button field-group-remove"
          onClick={() => onChange(undefined, path)}
        >
          Remove
        </button>
      ) : null}
      {fields}
    </fieldset>
  );
}

function UnionField({ schema, value, path, onChange, label }: FieldProps) {
  const { root, name } = useForm();
  const id = useId();
  const branches = schema.oneOf ?? schema.anyOf ?? [];
  const disc = discriminatorOf(branches, root);
  const { branch, index } = branchFor(schema, value, root);
  if (!disc)
    return (
      <SchemaField
        schema={branch}
        value={value}
        path={path}
        fieldKey=""
        onChange={onChange}
        required
        label={label}
      />
    );
  const obj = isRecord(value) ? value : {};
  return (
    <div className="union-field">
      <FieldShell label={label ?? fieldLabel(disc.key)} path={join(path, disc.key)}>
        <select
          id={id}
          aria-label={label ?? fieldLabel(disc.key)}
          name={join(join(name, path), disc.key)}
          value={disc.values[index]}
          onChange={(e) => {
            const nextIndex = disc.values.indexOf(e.target.value);
            const fresh = defaultValue(branches[nextIndex] ?? {}, root);
            // Fields both branches share (a duration, a list of filters) survive the switch.
            const kept = isRecord(fresh)
              ? Object.fromEntries(Object.entries(obj).filter(([k]) => k in fresh && k !== disc.key))
              : {};
            onChange(isRecord(fresh) ? { ...fresh, ...kept } : fresh, join(path, disc.key));
          }}
        >
          {disc.values.map((v) => (
            <option key={v} value={v}>
              {optionLabel(v)}
            </option>
          ))}
        </select>
      </FieldShell>
      <ObjectField schema={branch} value={obj} path={path} fieldKey="" onChange={onChange} required />
    </div>
  );
}

function inputName(name: string, path: string): string {
  return join(name, path);
}

/** The id and form name of the control at `path`. */
function useControl(path: string): { id: string; name: string } {
  const { name } = useForm();
  return { id: useId(), name: inputName(name, path) };
}

function ControlLabel({ id, label }: { id: string; label: string | undefined }) {
  return label ? (
    <label className="field-label" htmlFor={id}>
      {label}
    </label>
  ) : null;
}

function TextField({
  value,
  path,
  onChange,
  label,
  suggestions,
  required,
  placeholder,
  time,
}: FieldProps & { suggestions?: 'events'; placeholder?: string; time?: boolean }) {
  const { lookups } = useForm();
  const { id, name } = useControl(path);
  const listId = `${id}-list`;
  return (
    <FieldShell path={path}>
      <ControlLabel id={id} label={label} />
      <input
        id={id}
        name={name}
        type="text"
        {...(placeholder ? { placeholder } : {})}
        {...(time
          ? { inputMode: 'numeric' as const, maxLength: 5, pattern: '([01][0-9]|2[0-3]):[0-5][0-9]' }
          : {})}
        value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
        list={suggestions ? listId : undefined}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value === '' && !required ? undefined : e.target.value, path)}
      />
      {suggestions ? (
        <datalist id={listId}>
          {(lookups.events ?? []).map((event) => (
            <option key={event} value={event} />
          ))}
        </datalist>
      ) : null}
    </FieldShell>
  );
}

function parseNumber(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

function NumberField({ schema, value, path, onChange, label }: FieldProps) {
  const { id, name } = useControl(path);
  return (
    <FieldShell path={path}>
      <ControlLabel id={id} label={label} />
      <input
        id={id}
        name={name}
        type="number"
        inputMode="decimal"
        step={schema.type === 'integer' ? 1 : 'any'}
        value={typeof value === 'number' || typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(parseNumber(e.target.value), path)}
      />
    </FieldShell>
  );
}

/** A value that may be text, a number or true/false (trait values, filter values): typed as the text reads. */
function ScalarField({ value, path, onChange, label }: FieldProps) {
  const { id, name } = useControl(path);
  return (
    <FieldShell path={path}>
      <ControlLabel id={id} label={label} />
      <input
        id={id}
        name={name}
        value={value === undefined || value === null ? '' : String(value)}
        onChange={(e) => {
          const t = e.target.value;
          onChange(
            t === ''
              ? undefined
              : t === 'true'
                ? true
                : t === 'false'
                  ? false
                  : /^-?\d+(\.\d+)?$/.test(t)
                    ? Number(t)
                    : t,
            path,
          );
        }}
      />
    </FieldShell>
  );
}

function EnumField({ schema, value, path, onChange, label, required }: FieldProps) {
  const { id, name } = useControl(path);
  const options = schema.enum ?? [];
  return (
    <FieldShell path={path}>
      <ControlLabel id={id} label={label} />
      <select
        id={id}
        name={name}
        value={value === undefined ? '' : String(value)}
        onChange={(e) =>
          onChange(
            e.target.value === '' ? undefined : options.find((o) => String(o) === e.target.value),
            path,
          )
        }
      >
        {value === undefined || !required ? <option value="">{required ? 'Choose…' : '—'}</option> : null}
        {options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

function BooleanField({ value, path, onChange, label }: FieldProps) {
  const { id, name } = useControl(path);
  return (
    <FieldShell path={path} inline>
      <label className="toggle" htmlFor={id}>
        <input
          id={id}
          name={name}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(e.target.checked, path)}
        />
        <span>{label}</span>
      </label>
    </FieldShell>
  );
}

const UNITS_FALLBACK = ['minutes', 'hours', 'days', 'weeks'];

function DurationField({ schema, value, path, onChange, label }: FieldProps) {
  const { name } = useForm();
  const id = useId();
  const d = isRecord(value) ? value : {};
  const units = (schema.properties?.unit?.enum as string[] | undefined) ?? UNITS_FALLBACK;
  const { errors } = useForm();
  const error = errors.get(join(path, 'amount')) ?? errors.get(join(path, 'unit')) ?? errors.get(path);
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-path={join(name, path)}>
      <ControlLabel id={id} label={label} />
      <div className="duration-input">
        <input
          id={id}
          name={inputName(name, join(path, 'amount'))}
          type="number"
          min={1}
          step={1}
          aria-label={`${label ?? 'Duration'} amount`}
          value={typeof d.amount === 'number' || typeof d.amount === 'string' ? d.amount : ''}
          onChange={(e) => onChange({ ...d, amount: parseNumber(e.target.value) }, join(path, 'amount'))}
        />
        <select
          name={inputName(name, join(path, 'unit'))}
          aria-label={`${label ?? 'Duration'} unit`}
          value={typeof d.unit === 'string' ? d.unit : 'days'}
          onChange={(e) => onChange({ ...d, unit: e.target.value }, join(path, 'unit'))}
        >
          {units.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
      </div>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function WeekdaysField({ value, path, onChange, label }: FieldProps) {
  const days = Array.isArray(value) ? value.filter((d): d is number => typeof d === 'number') : [];
  return (
    <FieldShell label={label} path={path}>
      <div className="weekdays" role="group" aria-label={label}>
        {WEEKDAYS.map((day, i) => {
          const n = i + 1;
          const on = days.includes(n);
          return (
            <button
              key={day}
              type="button"
              className={`weekday${on ? ' weekday-on' : ''}`}
              aria-pressed={on}
              onClick={() =>
                onChange(on ? days.filter((d) => d !== n) : [...days, n].sort((a, b) => a - b), path)
              }
            >
              {day}
            </button>
          );
        })}
      </div>
    </FieldShell>
  );
}

function ArrayField({
  schema,
  value,
  path,
  onChange,
  label,
  percentTotal,
}: FieldProps & { percentTotal: boolean }) {
  const { root } = useForm();
  const items: unknown[] = Array.isArray(value) ? value : [];
  const itemSchema = schema.items ?? {};
  const singular = label ? label.replace(/s$/, '').toLowerCase() : 'item';
  const total = percentTotal
    ? items.reduce<number>(
        (sum, a) => sum + (isRecord(a) && typeof a.percent === 'number' ? a.percent : 0),
        0,
      )
    : 0;
  const resolvedItem = resolveSchema(itemSchema, root);
  const simple =
    typesOf(resolvedItem).length === 1 && ['string', 'number', 'integer'].includes(typesOf(resolvedItem)[0]!);
  return (
    <FieldShell label={label} path={path}>
      <div className={`array-field${simple ? ' array-simple' : ''}`}>
        {items.map((item, i) => (
          <div className="array-row" key={i}>
            <div className="array-row-body">
              <SchemaField
                schema={itemSchema}
                value={item}
                path={join(path, i)}
                fieldKey={simple && label === 'Events' ? 'event' : ''}
                label={simple ? itemLabel(label, i, items.length) : undefined}
                required
                onChange={(v, changed) =>
                  onChange(
                    items.map((x, j) => (j === i ? v : x)),
                    changed,
                  )
                }
              />
            </div>
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${singular} ${i + 1}`}
              title={`Remove ${singular}`}
              onClick={() =>
                onChange(
                  items.filter((_, j) => j !== i),
                  path,
                )
              }
            >
              <Trash2 size={14} />
            </button>
          </div>
        ))}
        <div className="array-footer">
          <button
            type="button"
            className="link-button"
            onClick={() => onChange([...items, nextItem(itemSchema, root, items, percentTotal)], path)}
          >
            <Plus size={14} /> Add {singular}
          </button>
          {percentTotal ? (
            <span
              className={`percent-total${Math.abs(total - 100) > 1e-9 ? ' percent-total-bad' : ''}`}
              role={Math.abs(total - 100) > 1e-9 ? 'alert' : undefined}
            >
              {Math.abs(total - 100) > 1e-9 ? `Percentages must add up to 100 (now ${total})` : 'Total 100%'}
            </span>
          ) : null}
        </div>
      </div>
    </FieldShell>
  );
}

/** The label of one row of a simple list: "Event" alone, "Event 1", "Event 2"… among several (not "Events 1"). */
function itemLabel(listLabel: string | undefined, index: number, count: number): string {
  const singular = listLabel ? listLabel.replace(/s$/, '') : 'Item';
  return count > 1 ? `${singular} ${index + 1}` : singular;
}

/** A new row: the schema's default, with a fresh arm name for splits so lanes never collide. */
function nextItem(
  itemSchema: JsonSchema,
  root: JsonSchema,
  items: readonly unknown[],
  percentArms: boolean,
): unknown {
  const fresh = defaultValue(itemSchema, root);
  if (percentArms && isRecord(fresh)) {
    const taken = new Set(items.map((a) => (isRecord(a) ? a.name : undefined)));
    let n = items.length;
    let name = String.fromCharCode(97 + (n % 26));
    while (taken.has(name)) name = `arm_${++n}`;
    return { ...fresh, name, percent: 0 };
  }
  return fresh;
}

function RecordField({ schema, value, path, onChange, label }: FieldProps) {
  const { name } = useForm();
  const obj = isRecord(value) ? value : {};
  const entries = Object.entries(obj);
  const valueSchema = isRecord(schema.additionalProperties)
    ? (schema.additionalProperties as JsonSchema)
    : {};
  return (
    <FieldShell label={label} path={path}>
      <div className="array-field">
        {entries.map(([k, v], i) => (
          <div className="array-row record-row" key={i}>
            <input
              aria-label={`${label ?? 'Entry'} ${i + 1} name`}
              name={inputName(name, join(path, `${i}.key`))}
              value={k}
              onChange={(e) => {
                const renamed = Object.fromEntries(
                  entries.map(([kk, vv], j) => (j === i ? [e.target.value, vv] : [kk, vv])),
                );
                onChange(renamed, join(path, `${i}.key`));
              }}
            />
            <SchemaField
              schema={valueSchema}
              value={v}
              path={join(path, k)}
              fieldKey="value"
              label=""
              required
              onChange={(nv, changed) => onChange({ ...obj, [k]: nv }, changed)}
            />
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove ${k}`}
              onClick={() => onChange(Object.fromEntries(entries.filter((_, j) => j !== i)), path)}
            >
              <Trash2 size={14} />
            </button>
          </div>
        ))}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            let n = entries.length + 1;
            while (`trait_${n}` in obj) n++;
            onChange({ ...obj, [`trait_${n}`]: '' }, path);
          }}
        >
          <Plus size={14} /> Add
        </button>
      </div>
    </FieldShell>
  );
}

function PickerSelect({
  value,
  path,
  onChange,
  label,
  options,
  placeholder,
}: FieldProps & { options: readonly { value: string; label: string }[]; placeholder: string }) {
  const { id, name } = useControl(path);
  const current = typeof value === 'string' ? value : '';
  const known = options.some((o) => o.value === current);
  return (
    <FieldShell path={path}>
      <ControlLabel id={id} label={label} />
      <select id={id} name={name} value={current} onChange={(e) => onChange(e.target.value, path)}>
        <option value="">{placeholder}</option>
        {current && !known ? <option value={current}>{current} (not found)</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

function SegmentPicker(props: FieldProps) {
  const { lookups } = useForm();
  // Without the list (not loaded, or the API has none) the id can still be typed.
  if (!lookups.segments) return <TextField {...props} />;
  return (
    <PickerSelect
      {...props}
      placeholder="Choose a segment…"
      options={(lookups.segments ?? []).map((s) => ({ value: s.id, label: s.name }))}
    />
  );
}

function TemplatePicker(props: FieldProps) {
  const { lookups } = useForm();
  if (!lookups.templates) return <TextField {...props} />;
  const channel = typeof props.siblings?.channel === 'string' ? props.siblings.channel : undefined;
  const templates = (lookups.templates ?? []).filter((t) => !channel || t.channel === channel);
  return (
    <PickerSelect
      {...props}
      placeholder="Choose a template…"
      options={templates.map((t) => ({ value: t.id, label: t.name }))}
    />
  );
}
