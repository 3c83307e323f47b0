/** People and roles: who is in this workspace with which roles, adding and removing people, and publish approval. */
import { useState } from 'react';
import { UserPlus } from 'lucide-react';
import {
  roleIds,
  useAddPerson,
  useChangeRoles,
  useMe,
  usePeople,
  useRemovePerson,
  useRoles,
  useUpdateWorkspace,
  useWorkspace,
  type Person,
  type RoleId,
} from '../../api/people';
import { formatDateTime } from '../review/format';
import { useAccess } from './access';

function RoleToggles({
  value,
  onChange,
  disabled,
  labels,
  name,
}: {
  value: string[];
  onChange(roles: string[]): void;
  disabled: boolean;
  labels: Record<string, string>;
  name: string;
}) {
  return (
    <div className="role-toggles" role="group" aria-label={`Roles of ${name}`}>
      {roleIds.map((role) => {
        const on = value.includes(role);
        return (
          <label key={role} className={`role-toggle${on ? ' role-toggle-on' : ''}`}>
            <input
              type="checkbox"
              checked={on}
              disabled={disabled}
              onChange={() => onChange(on ? value.filter((r) => r !== role) : [...value, role])}
            />
            {labels[role] ?? role}
          </label>
        );
      })}
    </div>
  );
}

function PersonRow({
  person,
  canManage,
  reason,
  labels,
  isMe,
}: {
  person: Person;
  canManage: boolean;
  reason: string | undefined;
  labels: Record<string, string>;
  isMe: boolean;
}) {
  const change = useChangeRoles();
  const remove = useRemovePerson();
  const [confirm, setConfirm] = useState(false);
  return (
    <tr data-testid={`person-${person.email}`}>
      <td>
        <b>{person.name || person.email}</b>
        {isMe ? <span className="tag">you</span> : null}
        <div className="muted small">{person.email}</div>
      </td>
      <td title={reason}>
        <RoleToggles
          value={person.roles}
          disabled={!canManage || change.isPending}
          labels={labels}
          name={person.email}
          onChange={(roles) => change.mutate({ userId: person.userId, roles })}
        />
        {change.error ? <div className="field-error">{change.error.message}</div> : null}
      </td>
      <td className="muted small">
        {[person.signIn.password ? 'password' : null, person.signIn.oidc ? 'single sign-on' : null]
          .filter(Boolean)
          .join(', ') || 'invited'}
        {person.disabled ? ' · disabled' : ''}
      </td>
      <td className="muted small">{formatDateTime(person.addedAt)}</td>
      <td>
        {canManage ? (
          confirm ? (
            <span className="confirm">
              <button
                type="button"
                className="button button-danger"
                onClick={() => remove.mutate(person.userId)}
              >
                Remove
              </button>
              <button type="button" className="button button-quiet" onClick={() => setConfirm(false)}>
                Keep
              </button>
            </span>
          ) : (
            <button type="button" className="link-button" onClick={() => setConfirm(true)}>
              Remove…
            </button>
          )
        ) : null}
        {remove.error ? <div className="field-error">{remove.error.message}</div> : null}
      </td>
    </tr>
  );
}

function AddPersonForm({ labels }: { labels: Record<string, string> }) {
  const add = useAddPerson();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(['campaign_manager']);
  const [invite, setInvite] = useState(false);
  return (
    <form
      className="inline-form card"
      aria-label="Add a person"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate(
          {
            email,
            ...(name ? { name } : {}),
            roles: roles as RoleId[],
            ...(invite ? { invite: true } : password ? { password } : {}),
          },
          {
            onSuccess: () => {
              setEmail('');
              setName('');
              setPassword('');
            },
          },
        );
      }}
    >
      <h3>
        <UserPlus size={15} /> Add a person
      </h3>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Email</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label className="field">
          <span className="field-label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">First password</span>
          <input
            type="password"
            value={password}
            disabled={invite}
            placeholder="at least 10 characters"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
      </div>
      <RoleToggles value={roles} onChange={setRoles} disabled={false} labels={labels} name="the new person" />
      <label className="toggle">
        <input type="checkbox" checked={invite} onChange={(e) => setInvite(e.target.checked)} /> Email them a
        link to choose a password instead
      </label>
      {add.error ? <div className="field-error">{add.error.message}</div> : null}
      {add.data ? (
        <div className="text-ok small">
          Added {add.data.person.email}
          {add.data.invited ? ' and emailed an invitation' : ''}.
        </div>
      ) : null}
      <div>
        <button type="submit" className="button button-primary" disabled={add.isPending || !roles.length}>
          Add person
        </button>
      </div>
    </form>
  );
}

function ApprovalSetting() {
  const access = useAccess();
  const workspace = useWorkspace();
  const update = useUpdateWorkspace();
  // The switch moves at once; the saved value takes over when the answer arrives (or the old one on failure).
  const [moving, setMoving] = useState<boolean>();
  const reason = access.reason('workspace.configure');
  if (!workspace.data) return null;
  return (
    <div className="card setting-row" title={reason}>
      <div>
        <b>Publishing needs approval</b>
        <div className="muted small">
          A campaign manager's publish becomes a request that a reviewer approves or rejects.
        </div>
        {reason ? <div className="muted small">{reason}</div> : null}
        {update.error ? <div className="field-error">{update.error.message}</div> : null}
      </div>
      <label className="switch">
        <input
          type="checkbox"
          aria-label="Publishing needs approval"
          checked={moving ?? workspace.data.settings.requirePublishApproval}
          disabled={Boolean(reason) || moving !== undefined}
          onChange={(e) => {
            setMoving(e.target.checked);
            update.mutate(
              { requirePublishApproval: e.target.checked },
              { onSettled: () => setMoving(undefined) },
            );
          }}
        />
        <span />
      </label>
    </div>
  );
}

export function PeoplePage() {
  const access = useAccess();
  const me = useMe();
  const people = usePeople();
  const roles = useRoles();
  const labels = Object.fromEntries((roles.data?.roles ?? []).map((r) => [r.id, r.label]));
  const canManage = access.can('people.manage');
  const reason = access.reason('people.manage');
  const myId = me.data?.kind === 'user' ? me.data.user.id : undefined;
  return (
    <div className="wf-stack">
      <ApprovalSetting />
      {canManage ? (
        <AddPersonForm labels={labels} />
      ) : (
        <p className="muted small notice">
          {reason}. People with the admin role add people and change roles.
        </p>
      )}
      {people.error ? <div className="page-message error">{people.error.message}</div> : null}
      <table className="wf-table" data-testid="people-table">
        <thead>
          <tr>
            <th>Person</th>
            <th>Roles</th>
            <th>Signs in with</th>
            <th>Added</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(people.data ?? []).map((p) => (
            <PersonRow
              key={p.userId}
              person={p}
              canManage={canManage}
              reason={reason}
              labels={labels}
              isMe={p.userId === myId}
            />
          ))}
        </tbody>
      </table>
      {people.data && !people.data.length ? (
        <div className="empty-state">
          Nobody yet. In local mode this machine acts as the admin; add people to let them sign in.
        </div>
      ) : null}
      <section className="card">
        <h3>What each role may do</h3>
        <ul className="role-list">
          {(roles.data?.roles ?? []).map((r) => (
            <li key={r.id}>
              <b>{r.label}</b> <span className="muted">— {r.description}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
