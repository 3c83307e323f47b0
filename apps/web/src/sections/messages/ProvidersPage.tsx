/**
 * Delivery providers: which provider each channel really sends through (with a warning when it is the development
 * log, i.e. nothing is delivered), the configured providers, and a form whose settings come from the kind's JSON
 * Schema. Secrets are write-only: the page shows "set" or "not set", never a value.
 */
import { useMemo, useState } from 'react';
import { AlertTriangle, CheckCircle2, Plus } from 'lucide-react';
import { ApiError } from '../../api/client';
import {
  providerChannels,
  useDeleteProvider,
  useProviderKinds,
  useProviders,
  useSaveProvider,
  type EffectiveProvider,
  type Provider,
  type ProviderChannel,
  type ProviderKind,
} from '../../api/messages';
import { ConfigForm } from '../../schema-form/ConfigForm';
import { asJsonSchema } from '../../schema-form/json-schema';
import { defaultValue as schemaDefault } from '../../schema-form/json-schema';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { DeleteRefused } from '../../ui/DeleteRefused';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { formatDateTime } from '../../ui/format';
import { messagesHref, messagesTabs } from './routes';

const channelLabels: Record<string, string> = {
  email: 'Email',
  sms: 'SMS',
  push: 'Push',
  webhook: 'Webhook',
};

export function ProvidersPage() {
  const providers = useProviders();
  const kinds = useProviderKinds();
  const remove = useDeleteProvider();
  const [editing, setEditing] = useState<Provider | 'new' | null>(null);
  const kindLabel = (kind: string) => kinds.data?.find((k) => k.kind === kind)?.label ?? kind;
  return (
    <SectionPage
      title="Messages"
      tabs={messagesTabs({ page: 'providers' })}
      actions={
        <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
          <Plus size={14} /> Add provider
        </button>
      }
    >
      <ErrorText error={providers.error} what="load providers" />
      {providers.data ? <EffectiveProviders effective={providers.data.effective} /> : null}
      <h2 className="section-subtitle">Configured providers</h2>
      {providers.data && providers.data.providers.length === 0 ? (
        <div className="empty-state">
          No providers configured. Until you add one, every channel writes to the development log and nothing
          reaches customers.
        </div>
      ) : null}
      {providers.data?.providers.length ? (
        <table className="data-table" aria-label="Providers">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Channel</th>
              <th>Kind</th>
              <th>Secrets</th>
              <th>Last changed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {providers.data.providers.map((p) => (
              <tr key={p.id}>
                <td>
                  <b>{p.id}</b>
                  {p.isDefault ? <span className="pill pill-ok">default</span> : null}
                </td>
                <td>{channelLabels[p.channel]}</td>
                <td>{kindLabel(p.kind)}</td>
                <td>
                  <SecretBadges
                    names={secretNames(kinds.data?.find((k) => k.kind === p.kind))}
                    set={p.secretsSet}
                  />
                </td>
                <td>{formatDateTime(p.updatedAt)}</td>
                <td className="row-actions">
                  <button type="button" className="button button-small" onClick={() => setEditing(p)}>
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() => {
                      if (window.confirm(`Delete the provider “${p.id}”?`)) remove.mutate(p.id);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <DeleteRefused error={remove.error} />
      {editing && kinds.data ? (
        <ProviderDialog
          kinds={kinds.data}
          existing={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </SectionPage>
  );
}

function EffectiveProviders({ effective }: { effective: EffectiveProvider[] }) {
  return (
    <div className="effective-grid" aria-label="Channels">
      {effective.map((e) => (
        <div
          key={e.channel}
          className={`aud-card effective ${e.isDevelopmentLog ? 'effective-log' : 'effective-real'}`}
          data-testid={`effective-${e.channel}`}
        >
          <div className="effective-channel">{channelLabels[e.channel] ?? e.channel}</div>
          {e.isDevelopmentLog ? (
            <>
              <div className="effective-provider">
                <AlertTriangle size={15} /> Development log
              </div>
              <div className="small">
                Nothing is delivered: messages are only recorded in the outbox. Add a provider to send for
                real.
              </div>
            </>
          ) : (
            <>
              <div className="effective-provider">
                <CheckCircle2 size={15} /> {e.label}
              </div>
              <div className="small muted">
                Sends through <code>{e.providerId}</code>
              </div>
            </>
          )}
        </div>
      ))}
    </div>
  );
}

function secretNames(kind: ProviderKind | undefined): string[] {
  const props = kind?.secretsSchema.properties;
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

function SecretBadges({ names, set }: { names: string[]; set: string[] }) {
  const all = [...new Set([...names, ...set])];
  if (!all.length) return <span className="muted">none</span>;
  return (
    <>
      {all.map((n) => (
        <span key={n} className={`pill ${set.includes(n) ? 'pill-ok' : ''}`}>
          {n}: {set.includes(n) ? 'set' : 'not set'}
        </span>
      ))}
    </>
  );
}

function ProviderDialog({
  kinds,
  existing,
  onClose,
}: {
  kinds: ProviderKind[];
  existing: Provider | null;
  onClose(): void;
}) {
  const [channel, setChannel] = useState<ProviderChannel>(existing?.channel ?? 'email');
  const kindsForChannel = kinds.filter((k) => k.channels.includes(channel));
  const [kindName, setKindName] = useState(existing?.kind ?? kindsForChannel[0]?.kind ?? '');
  const kind = kinds.find((k) => k.kind === kindName);
  const [id, setId] = useState(existing?.id ?? '');
  const [isDefault, setIsDefault] = useState(existing?.isDefault ?? true);
  const schema = useMemo(() => (kind ? asJsonSchema(kind.settingsSchema) : null), [kind]);
  const [settings, setSettings] = useState<Record<string, unknown>>(
    () => existing?.settings ?? (schema ? ((schemaDefault(schema) as Record<string, unknown>) ?? {}) : {}),
  );
  // Only secrets typed here are sent: a value replaces, "remove" clears, untouched ones keep their stored value.
  const [secrets, setSecrets] = useState<Record<string, string | null>>({});
  const save = useSaveProvider(existing !== null);
  const issues = save.error instanceof ApiError ? save.error.issues : [];
  const settingsIssues = issues
    .filter((i) => i.path.startsWith('body.settings.'))
    .map((i) => ({ path: i.path.slice('body.settings.'.length), message: i.message }));
  const otherIssues = issues.filter((i) => !i.path.startsWith('body.settings.'));

  const chooseKind = (name: string) => {
    setKindName(name);
    const k = kinds.find((x) => x.kind === name);
    setSettings(k ? ((schemaDefault(asJsonSchema(k.settingsSchema)) as Record<string, unknown>) ?? {}) : {});
    setSecrets({});
  };

  const submit = async () => {
    const ok = await save
      .mutateAsync({ id: id.trim(), channel, kind: kindName, settings, secrets, isDefault })
      .catch(() => null);
    if (ok) onClose();
  };

  return (
    <Dialog
      titleId="provider-dialog-title"
      title={existing ? `Edit provider “${existing.id}”` : 'Add a provider'}
      className="dialog-wide provider-dialog"
      onClose={onClose}
      onSubmit={() => void submit()}
    >
      <div className="fields-grid">
        <div className="field">
          <label className="field-label" htmlFor="provider-id">
            Id
          </label>
          <input
            id="provider-id"
            value={id}
            disabled={existing !== null}
            placeholder="e.g. main-smtp"
            onChange={(e) => setId(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="provider-channel">
            Channel
          </label>
          <select
            id="provider-channel"
            value={channel}
            disabled={existing !== null}
            onChange={(e) => {
              const next = e.target.value as ProviderChannel;
              setChannel(next);
              chooseKind(kinds.find((k) => k.channels.includes(next))?.kind ?? '');
            }}
          >
            {providerChannels.map((c) => (
              <option key={c} value={c}>
                {channelLabels[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="provider-kind">
            Kind
          </label>
          <select
            id="provider-kind"
            value={kindName}
            disabled={existing !== null}
            onChange={(e) => chooseKind(e.target.value)}
          >
            {kindsForChannel.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <label className="toggle">
          <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />{' '}
          Default for {channelLabels[channel]}
        </label>
      </div>
      <div className="dialog-scroll">
        {schema ? (
          <fieldset className="field-group">
            <legend>Settings</legend>
            <ConfigForm
              schema={schema}
              value={settings}
              onChange={(v) => setSettings(v)}
              serverErrors={settingsIssues}
              name="provider-settings"
            />
          </fieldset>
        ) : null}
        {kind && secretNames(kind).length ? (
          <fieldset className="field-group">
            <legend>Secrets (write-only)</legend>
            {secretNames(kind).map((name) => {
              const isSet = existing?.secretsSet.includes(name) ?? false;
              const change = secrets[name];
              const issue = issues.find((i) => i.path === `body.secrets.${name}`)?.message;
              return (
                <div key={name} className="field">
                  <label className="field-label" htmlFor={`secret-${name}`}>
                    {name}{' '}
                    <span className={`pill ${isSet && change !== null ? 'pill-ok' : ''}`}>
                      {change === null ? 'will be removed' : isSet ? 'set' : 'not set'}
                    </span>
                  </label>
                  <div className="secret-input-row">
                    <input
                      id={`secret-${name}`}
                      type="password"
                      autoComplete="new-password"
                      placeholder={isSet ? 'Set — type to replace' : 'Not set'}
                      value={typeof change === 'string' ? change : ''}
                      onChange={(e) =>
                        setSecrets((s) => {
                          const { [name]: _old, ...rest } = s;
                          return e.target.value ? { ...rest, [name]: e.target.value } : rest;
                        })
                      }
                    />
                    {isSet ? (
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() =>
                          setSecrets((s) => {
                            const { [name]: current, ...rest } = s;
                            return current === null ? rest : { ...rest, [name]: null };
                          })
                        }
                      >
                        {change === null ? 'Keep' : 'Remove'}
                      </button>
                    ) : null}
                  </div>
                  {issue ? <div className="field-error">{issue}</div> : null}
                </div>
              );
            })}
          </fieldset>
        ) : null}
      </div>
      {otherIssues.length ? (
        <ul className="callout callout-error">
          {otherIssues.map((i) => (
            <li key={i.path}>
              {i.path.replace(/^body\./, '')}: {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {save.error && !issues.length ? (
        <div className="callout callout-error">Could not save: {save.error.message}</div>
      ) : null}
      <DialogFooter onCancel={onClose}>
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isPending || !id.trim() || !kindName}
        >
          {existing ? 'Save provider' : 'Add provider'}
        </button>
      </DialogFooter>
      <p className="small muted">
        See what the development log recorded in the{' '}
        <a href={messagesHref({ page: 'log', filters: {} })}>message log</a>.
      </p>
    </Dialog>
  );
}
