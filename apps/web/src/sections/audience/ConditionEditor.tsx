/**
 * The condition tree editor: AND/OR groups, NOT, and leaves over traits and facts, event counts in a window, tags
 * and other segments. Renders and dispatches only; every edit is a pure function in ./condition-tree.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { Trash2 } from 'lucide-react';
import {
  durationUnits,
  type ComparisonOp,
  type Condition,
  type EventCondition,
  type TraitCondition,
} from '@wakeflow/journey';
import type { ConditionField } from '../../api/audience';
import {
  addChild,
  childPath,
  defaultValue,
  newCondition,
  operatorLabel,
  operatorsFor,
  removeAt,
  toggleNot,
  updateAt,
  type NodePath,
} from './condition-tree';

export interface ConditionEditorContext {
  fields: ConditionField[];
  segments: { id: string; name: string }[];
  eventNames: string[];
  problems: Map<NodePath, string[]>;
}

const EditorContext = createContext<ConditionEditorContext>({
  fields: [],
  segments: [],
  eventNames: [],
  problems: new Map(),
});

export function ConditionEditor({
  value,
  onChange,
  context,
}: {
  value: Condition;
  onChange(next: Condition): void;
  context: ConditionEditorContext;
}) {
  return (
    <EditorContext.Provider value={context}>
      <datalist id="condition-event-names">
        {context.eventNames.map((e) => (
          <option key={e} value={e} />
        ))}
      </datalist>
      <NodeEditor root={value} path="" onChange={onChange} />
    </EditorContext.Provider>
  );
}

interface NodeProps {
  root: Condition;
  path: NodePath;
  onChange(next: Condition): void;
  onRemove?: () => void;
}

function nodeOf(root: Condition, path: NodePath): Condition {
  if (!path) return root;
  let node: unknown = root;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as Condition;
}

function Problems({ path }: { path: NodePath }) {
  const messages = useContext(EditorContext).problems.get(path);
  if (!messages?.length) return null;
  return (
    <ul className="node-problems" role="alert">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

function NodeEditor({ root, path, onChange, onRemove }: NodeProps) {
  const node = nodeOf(root, path);
  const set = (next: Condition) => onChange(updateAt(root, path, () => next));
  if (node.kind === 'and' || node.kind === 'or')
    return <GroupEditor root={root} path={path} onChange={onChange} {...(onRemove ? { onRemove } : {})} />;
  if (node.kind === 'not') {
    return (
      <div className="cond-not" data-path={path}>
        <div className="cond-not-label">
          <span className="pill pill-bad">NOT</span>
          <span className="muted small">customers who do not match:</span>
          <button type="button" className="link-button small" onClick={() => onChange(toggleNot(root, path))}>
            Remove NOT
          </button>
        </div>
        <NodeEditor
          root={root}
          path={childPath(path, 'condition')}
          onChange={onChange}
          {...(onRemove ? { onRemove } : {})}
        />
        <Problems path={path} />
      </div>
    );
  }
  return (
    <div className="cond-leaf" data-path={path} data-testid="condition-row">
      <div className="cond-leaf-body">
        <select
          aria-label="Condition type"
          className="cond-kind"
          value={node.kind}
          onChange={(e) => set(newCondition(e.target.value as 'trait' | 'event' | 'tag' | 'segment'))}
        >
          <option value="trait">Attribute</option>
          <option value="event">Event count</option>
          <option value="tag">Tag</option>
          <option value="segment">Segment</option>
        </select>
        {node.kind === 'trait' ? <TraitEditor node={node} set={set} /> : null}
        {node.kind === 'event' ? <EventEditor node={node} set={set} /> : null}
        {node.kind === 'tag' ? <TagEditor node={node} set={set} /> : null}
        {node.kind === 'segment' ? <SegmentRefEditor node={node} set={set} /> : null}
        <div className="cond-actions">
          {path ? (
            <button
              type="button"
              className="link-button small"
              onClick={() => onChange(toggleNot(root, path))}
              title="Match customers who do NOT meet this"
            >
              NOT
            </button>
          ) : null}
          {onRemove ? (
            <button type="button" className="icon-button" aria-label="Remove condition" onClick={onRemove}>
              <Trash2 size={14} />
            </button>
          ) : null}
        </div>
      </div>
      <Problems path={path} />
    </div>
  );
}

function GroupEditor({ root, path, onChange, onRemove }: NodeProps) {
  const node = nodeOf(root, path) as Extract<Condition, { kind: 'and' | 'or' }>;
  return (
    <div className={`cond-group cond-${node.kind}`} data-path={path} data-testid="condition-group">
      <div className="cond-group-head">
        <span>Match</span>
        <select
          aria-label="Match all or any"
          value={node.kind}
          onChange={(e) =>
            onChange(
              updateAt(root, path, (n) => ({ ...(n as typeof node), kind: e.target.value as 'and' | 'or' })),
            )
          }
        >
          <option value="and">all (AND)</option>
          <option value="or">any (OR)</option>
        </select>
        <span>of these conditions</span>
        <span className="spacer" />
        {path ? (
          <button type="button" className="link-button small" onClick={() => onChange(toggleNot(root, path))}>
            NOT
          </button>
        ) : null}
        {onRemove ? (
          <button type="button" className="icon-button" aria-label="Remove group" onClick={onRemove}>
            <Trash2 size={14} />
          </button>
        ) : null}
      </div>
      <div className="cond-children">
        {node.conditions.length === 0 ? (
          <div className="muted small">No conditions yet: add one below.</div>
        ) : null}
        {node.conditions.map((_child, i) => {
          const p = childPath(childPath(path, 'conditions'), i);
          return (
            <div key={i} className="cond-child">
              {i > 0 ? <div className="cond-joiner">{node.kind === 'and' ? 'AND' : 'OR'}</div> : null}
              <NodeEditor
                root={root}
                path={p}
                onChange={onChange}
                onRemove={() => onChange(removeAt(root, p))}
              />
            </div>
          );
        })}
      </div>
      <div className="cond-add">
        <button
          type="button"
          className="button button-small"
          onClick={() => onChange(addChild(root, path, newCondition('trait')))}
        >
          + Condition
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => onChange(addChild(root, path, newCondition('group')))}
        >
          + Group
        </button>
      </div>
      <Problems path={path} />
    </div>
  );
}

const groupLabels = { profile: 'Profile', facts: 'Facts', windows: 'Activity in a window' } as const;

function fieldGroup(field: string): keyof typeof groupLabels {
  if (/^facts\.[a-zA-Z]+_\d+d$/.test(field)) return 'windows';
  return field.startsWith('facts.') ? 'facts' : 'profile';
}

function TraitEditor({ node, set }: { node: TraitCondition; set(next: Condition): void }) {
  const { fields } = useContext(EditorContext);
  const isTrait = node.field.startsWith('traits.');
  const field = fields.find((f) => f.field === node.field);
  const type = isTrait ? undefined : field?.type;
  const ops = operatorsFor(type);
  const op = ops.includes(node.op) ? node.op : ops[0]!;
  const chooseField = (name: string) => {
    const f = fields.find((x) => x.field === name);
    const nextOps = operatorsFor(name.startsWith('traits.') ? undefined : f?.type);
    const nextOp = nextOps.includes(node.op) ? node.op : nextOps[0]!;
    set(withValue({ kind: 'trait', field: name, op: nextOp }, defaultValue(f?.type, nextOp, f?.values)));
  };
  return (
    <>
      <select
        aria-label="Field"
        value={isTrait ? '__trait' : node.field}
        onChange={(e) => chooseField(e.target.value === '__trait' ? 'traits.' : e.target.value)}
      >
        {!field && !isTrait ? <option value={node.field}>{node.field}</option> : null}
        {(Object.keys(groupLabels) as (keyof typeof groupLabels)[]).map((g) => (
          <optgroup key={g} label={groupLabels[g]}>
            {fields
              .filter((f) => fieldGroup(f.field) === g)
              .map((f) => (
                <option key={f.field} value={f.field}>
                  {f.label}
                </option>
              ))}
          </optgroup>
        ))}
        <optgroup label="Custom">
          <option value="__trait">Trait…</option>
        </optgroup>
      </select>
      {isTrait ? (
        <input
          aria-label="Trait path"
          className="cond-narrow"
          placeholder="traits.city"
          value={node.field}
          onChange={(e) => set({ ...node, field: e.target.value })}
        />
      ) : null}
      <select
        aria-label="Operator"
        value={op}
        onChange={(e) =>
          set(
            withValue(
              { ...node, op: e.target.value as ComparisonOp },
              adaptValue(node.value, type, e.target.value as ComparisonOp, field?.values),
            ),
          )
        }
      >
        {ops.map((o) => (
          <option key={o} value={o}>
            {operatorLabel(o, type)}
          </option>
        ))}
      </select>
      <ValueInput node={{ ...node, op }} type={type} values={field?.values} set={set} />
    </>
  );
}

function withValue(node: TraitCondition, value: TraitCondition['value']): TraitCondition {
  const { value: _old, ...rest } = node;
  return value === undefined ? rest : { ...rest, value };
}

function adaptValue(
  current: TraitCondition['value'],
  type: ConditionField['type'] | undefined,
  op: ComparisonOp,
  values?: readonly string[],
): TraitCondition['value'] {
  if (op === 'exists' || op === 'not_exists') return undefined;
  if (op === 'in')
    return Array.isArray(current)
      ? current
      : current !== undefined && current !== ''
        ? [current]
        : defaultValue(type, op, values);
  if (Array.isArray(current)) return current[0] ?? defaultValue(type, op, values);
  return current ?? defaultValue(type, op, values);
}

function ValueInput({
  node,
  type,
  values,
  set,
}: {
  node: TraitCondition;
  type: ConditionField['type'] | undefined;
  values: readonly string[] | undefined;
  set(next: Condition): void;
}) {
  const put = (value: TraitCondition['value']) => set(withValue(node, value));
  if (node.op === 'exists' || node.op === 'not_exists') return null;
  if (node.op === 'in') {
    const list = Array.isArray(node.value) ? node.value : [];
    if (values) {
      return (
        <div className="chip-choices" role="group" aria-label="Values">
          {values.map((v) => (
            <label key={v} className="chip-choice">
              <input
                type="checkbox"
                checked={list.includes(v)}
                onChange={(e) => put(e.target.checked ? [...list, v] : list.filter((x) => x !== v))}
              />
              {v}
            </label>
          ))}
        </div>
      );
    }
    return (
      <input
        aria-label="Values"
        placeholder="comma, separated"
        defaultValue={list.join(', ')}
        onBlur={(e) =>
          put(
            e.target.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
              .map((s) => (type === 'number' ? Number(s) : s)),
          )
        }
      />
    );
  }
  switch (type) {
    case 'enum':
      return (
        <select aria-label="Value" value={String(node.value ?? '')} onChange={(e) => put(e.target.value)}>
          {(values ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      );
    case 'boolean':
      return (
        <select
          aria-label="Value"
          value={String(node.value ?? true)}
          onChange={(e) => put(e.target.value === 'true')}
        >
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      );
    case 'number':
      return (
        <input
          aria-label="Value"
          className="cond-narrow"
          type="number"
          value={typeof node.value === 'number' ? node.value : ''}
          onChange={(e) => put(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
    case 'date':
      return (
        <input
          aria-label="Value"
          type="date"
          value={String(node.value ?? '')}
          onChange={(e) => put(e.target.value)}
        />
      );
    case 'timestamp':
      return (
        <input
          aria-label="Value"
          type="date"
          value={typeof node.value === 'string' ? node.value.slice(0, 10) : ''}
          onChange={(e) => put(e.target.value ? `${e.target.value}T00:00:00Z` : undefined)}
        />
      );
    default:
      return (
        <input aria-label="Value" value={String(node.value ?? '')} onChange={(e) => put(e.target.value)} />
      );
  }
}

const countOps: { op: EventCondition['count']['op']; label: string }[] = [
  { op: 'gte', label: 'at least' },
  { op: 'lt', label: 'fewer than' },
  { op: 'eq', label: 'exactly' },
  { op: 'gt', label: 'more than' },
  { op: 'lte', label: 'at most' },
  { op: 'neq', label: 'not exactly' },
];

function EventEditor({ node, set }: { node: EventCondition; set(next: Condition): void }) {
  const windowKind = node.window.type;
  return (
    <>
      <input
        aria-label="Event name"
        className="cond-narrow"
        list="condition-event-names"
        value={node.event}
        onChange={(e) => set({ ...node, event: e.target.value })}
      />
      <span className="cond-word">happened</span>
      <select
        aria-label="Count comparison"
        value={node.count.op}
        onChange={(e) =>
          set({ ...node, count: { ...node.count, op: e.target.value as EventCondition['count']['op'] } })
        }
      >
        {countOps.map((c) => (
          <option key={c.op} value={c.op}>
            {c.label}
          </option>
        ))}
      </select>
      <input
        aria-label="Times"
        className="cond-tiny"
        type="number"
        min={0}
        value={node.count.value}
        onChange={(e) =>
          set({
            ...node,
            count: { ...node.count, value: Math.max(0, Math.floor(Number(e.target.value) || 0)) },
          })
        }
      />
      <span className="cond-word">times</span>
      <select
        aria-label="Window"
        value={windowKind}
        onChange={(e) =>
          set({
            ...node,
            window:
              e.target.value === 'ever'
                ? { type: 'ever' }
                : { type: 'last', duration: { amount: 30, unit: 'days' } },
          })
        }
      >
        <option value="last">in the last</option>
        <option value="ever">ever</option>
        {windowKind === 'since_entry' ? <option value="since_entry">since entry</option> : null}
      </select>
      {node.window.type === 'last' ? (
        <DurationInput
          amount={node.window.duration.amount}
          unit={node.window.duration.unit}
          onChange={(amount, unit) => set({ ...node, window: { type: 'last', duration: { amount, unit } } })}
        />
      ) : null}
    </>
  );
}

function DurationInput({
  amount,
  unit,
  onChange,
}: {
  amount: number;
  unit: (typeof durationUnits)[number];
  onChange(amount: number, unit: (typeof durationUnits)[number]): void;
}) {
  return (
    <>
      <input
        aria-label="Window length"
        className="cond-tiny"
        type="number"
        min={1}
        value={amount}
        onChange={(e) => onChange(Math.floor(Number(e.target.value) || 0), unit)}
      />
      <select
        aria-label="Window unit"
        value={unit}
        onChange={(e) => onChange(amount, e.target.value as (typeof durationUnits)[number])}
      >
        {durationUnits.map((u) => (
          <option key={u} value={u}>
            {u}
          </option>
        ))}
      </select>
    </>
  );
}

function TagEditor({ node, set }: { node: Extract<Condition, { kind: 'tag' }>; set(next: Condition): void }) {
  return (
    <>
      <select
        aria-label="Has tag"
        value={node.has ? 'has' : 'not'}
        onChange={(e) => set({ ...node, has: e.target.value === 'has' })}
      >
        <option value="has">has tag</option>
        <option value="not">does not have tag</option>
      </select>
      <input
        aria-label="Tag"
        className="cond-narrow"
        placeholder="vip"
        value={node.tag}
        onChange={(e) => set({ ...node, tag: e.target.value })}
      />
    </>
  );
}

function SegmentRefEditor({
  node,
  set,
}: {
  node: Extract<Condition, { kind: 'segment' }>;
  set(next: Condition): void;
}): ReactNode {
  const { segments } = useContext(EditorContext);
  return (
    <>
      <select
        aria-label="Membership"
        value={node.member ? 'in' : 'out'}
        onChange={(e) => set({ ...node, member: e.target.value === 'in' })}
      >
        <option value="in">is in segment</option>
        <option value="out">is not in segment</option>
      </select>
      <select
        aria-label="Segment"
        value={node.segmentId}
        onChange={(e) => set({ ...node, segmentId: e.target.value })}
      >
        <option value="">Choose a segment…</option>
        {segments.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
        {node.segmentId && !segments.some((s) => s.id === node.segmentId) ? (
          <option value={node.segmentId}>{node.segmentId}</option>
        ) : null}
      </select>
    </>
  );
}
