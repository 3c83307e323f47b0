/** API keys: create one (its secret shown once, to copy), see when each was last used, revoke. */
import { useState } from 'react';
import { Copy, KeyRound } from 'lucide-react';
import { useApiKeys, useCreateApiKey, useRevokeApiKey, useRoles } from '../../api/people';
import { formatDateTime } from '../review/format';
import { useAccess } from './access';

export function ApiKeysPage() {
  const access = useAccess();
  const reason = access.reason('api_keys.manage');
  const keys = useApiKeys(!reason && !access.loading);
  const roles = useRoles();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState('');
  const [scope, setScope] = useState('ingest');
  const [copied, setCopied] = useState(false);
  const scopes = Object.entries(roles.data?.apiKeyScopes ?? {});

  if (reason) return <p className="muted notice">{reason}. Engineers and admins manage API keys.</p>;
  return (
    <div className="wf-stack">
      <form
        className="inline-form card"
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          setCopied(false);
          create.mutate({ name, scope }, { onSuccess: () => setName('') });
        }}
      >
        <h3>
          <KeyRound size={15} /> Create an API key
        </h3>
        <div className="form-grid">
          <label className="field">
            <span className="field-label">Name</span>
            <input
              value={name}
              placeholder="e.g. Shop events"
              onChange={(e) => setName(e.target.value)}
              required
            />
          </label>
          <label className="field">
            <span className="field-label">Scope</span>
            <select value={scope} onChange={(e) => setScope(e.target.value)}>
              {(scopes.length ? scopes : [['ingest', { description: '' }] as const]).map(([id, s]) => (
                <option key={id} value={id}>
                  {id}
                  {s.description ? ` — ${s.description}` : ''}
                </option>
              ))}
            </select>
          </label>
        </div>
        {create.error ? <div className="field-error">{create.error.message}</div> : null}
        <div>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            Create key
          </button>
        </div>
      </form>
      {create.data ? (
        <div className="card secret-card" role="status" data-testid="new-key">
          <b>Copy the key now: it is not shown again.</b>
          <div className="secret-row">
            <code data-testid="new-key-value">{create.data.key}</code>
            <button
              type="button"
              className="button"
              onClick={() => {
                void navigator.clipboard?.writeText(create.data.key).then(() => setCopied(true));
              }}
            >
              <Copy size={14} /> {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      ) : null}
      <table className="wf-table" data-testid="api-keys-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Scope</th>
            <th>Key</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((k) => (
            <tr key={k.id} className={k.revokedAt ? 'row-muted' : undefined}>
              <td>
                <b>{k.name}</b>
              </td>
              <td>
                <span className="tag">{k.scope}</span>
              </td>
              <td className="mono small">{k.prefix}…</td>
              <td className="small">{formatDateTime(k.createdAt)}</td>
              <td className="small">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never'}</td>
              <td>
                {k.revokedAt ? (
                  <span className="muted small">revoked {formatDateTime(k.revokedAt)}</span>
                ) : (
                  <button
                    type="button"
                    className="button button-danger"
                    onClick={() => revoke.mutate(k.id)}
                    aria-label={`Revoke ${k.name}`}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {keys.data && !keys.data.length ? <div className="empty-state">No API keys yet.</div> : null}
    </div>
  );
}
