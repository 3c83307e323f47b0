/** People and roles: who is in this workspace with which roles, adding and removing people, and publish approval. */
import { useState } from 'react';
import { UserPlus } from 'lucide-react';
import {
  roleIds,
  useChangeRoles,
  useInvitePerson,
  useMe,
  usePendingInvitations,
  usePeople,
  useRemovePerson,
  useRoles,
  useUpdateWorkspace,
  useWithdrawInvitation,
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

/** What became of an invitation's mail, in words. */
export function deliveryNote(email: string, delivery: 'delivered' | 'server_log' | 'failed'): string {
  switch (delivery) {
    case 'delivered':
      return `Invitation emailed to ${email}. They join once they accept it.`;
    case 'server_log':
      return `No email provider is configured, so the invitation link for ${email} is only in the API's log: ask whoever runs Wakeflow for it, or configure an email provider and invite again.`;
    case 'failed':
      return `The invitation for ${email} is saved, but its email could not be sent; check the email provider and invite again.`;
  }
}

function InvitePersonForm({ labels }: { labels: Record<string, string> }) {
  const invite = useInvitePerson();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<string[]>(['campaign_manager']);
  return (
    <form
      className="inline-form card"
      aria-label="Invite a person"
      onSubmit={(e) => {
        e.preventDefault();
        invite.mutate(
          { email, ...(name ? { name } : {}), roles: roles as RoleId[] },
          {
            onSuccess: () => {
              setEmail('');
              setName('');
            },
          },
        );
      }}
    >
      <h3>
        <UserPlus size={15} /> Invite a person
      </h3>
      <p className="muted small">
        They get a link to join: new people choose their own password there, people who already use Wakeflow
        confirm with theirs.
      </p>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Email</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label className="field">
          <span className="field-label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
      </div>
      <RoleToggles value={roles} onChange={setRoles} disabled={false} labels={labels} name="the new person" />
      {invite.error ? <div className="field-error">{invite.error.message}</div> : null}
      {invite.data ? (
        <div className={invite.data.delivery === 'delivered' ? 'text-ok small' : 'muted small'} role="status">
          {deliveryNote(invite.data.invitation.email, invite.data.delivery)}
        </div>
      ) : null}
      <div>
        <button type="submit" className="button button-primary" disabled={invite.isPending || !roles.length}>
          Send invitation
        </button>
      </div>
    </form>
  );
}

function PendingInvitations({ labels, canManage }: { labels: Record<string, string>; canManage: boolean }) {
  const invitations = usePendingInvitations();
  const withdraw = useWithdrawInvitation();
  if (!invitations.data?.length) return null;
  return (
    <section className="card">
      <h3>Invited, not joined yet</h3>
      <table className="wf-table" data-testid="invitations-table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Roles</th>
            <th>Link valid until</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {invitations.data.map((i) => (
            <tr key={i.id} data-testid={`invitation-${i.email}`}>
              <td>{i.email}</td>
              <td>{i.roles.map((r) => labels[r] ?? r).join(', ')}</td>
              <td>{formatDateTime(i.expiresAt)}</td>
              <td>
                {canManage ? (
                  <button
                    type="button"
                    className="link-button"
                    disabled={withdraw.isPending}
                    onClick={() => withdraw.mutate(i.id)}
                  >
                    Withdraw
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {withdraw.error ? <div className="field-error">{withdraw.error.message}</div> : null}
    </section>
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
        <InvitePersonForm labels={labels} />
      ) : (
        <p className="muted small notice">
          {reason}. People with the admin role add people and change roles.
        </p>
      )}
      <PendingInvitations labels={labels} canManage={canManage} />
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
          Nobody yet. In local mode this machine acts as the admin; invite people to let them sign in.
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
