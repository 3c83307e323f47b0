/**
 * The pages links in account mail open: `/accept-invitation#token=…` (join a workspace: choose a password for a
 * new account, or confirm an existing one with its password) and `/reset-password#token=…` (choose a new
 * password). The token stays in the fragment, so it never reaches a server log or a Referer header.
 */
import { useState } from 'react';
import { KeyRound, Workflow } from 'lucide-react';
import { ApiError } from '../../api/client';
import { useAcceptInvitation, useConfirmPasswordReset, useInvitationLookup, useMe } from '../../api/people';

export type AccountLink = { kind: 'invitation' | 'reset'; token: string };

/** The account link this page address carries, if any. */
export function accountLinkOf(location: Pick<Location, 'pathname' | 'hash'>): AccountLink | null {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (!token) return null;
  if (location.pathname === '/accept-invitation') return { kind: 'invitation', token };
  if (location.pathname === '/reset-password') return { kind: 'reset', token };
  return null;
}

function fieldError(error: unknown, path: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.issues.find((i) => i.path === path)?.message ?? error.message;
}

function PasswordField({
  label,
  value,
  onChange,
  autoComplete,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  autoComplete: 'new-password' | 'current-password';
}) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        type="password"
        autoComplete={autoComplete}
        value={value}
        minLength={autoComplete === 'new-password' ? 10 : undefined}
        onChange={(e) => onChange(e.target.value)}
        required
      />
    </label>
  );
}

function Card({
  title,
  children,
  error,
  submit,
  onSubmit,
}: {
  title: string;
  children?: React.ReactNode;
  error?: string | undefined;
  submit: { label: string; busyLabel?: string; busy?: boolean };
  onSubmit(): void;
}) {
  return (
    <div className="sign-in-page">
      <form
        className="sign-in-card"
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <div className="sign-in-brand">
          <Workflow size={22} /> Wakeflow
        </div>
        <h1>{title}</h1>
        {children}
        {error ? (
          <div className="field-error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="button button-primary button-block" disabled={submit.busy}>
          <KeyRound size={14} /> {submit.busy ? submit.busyLabel : submit.label}
        </button>
      </form>
    </div>
  );
}

const goHome = () => window.location.assign('/#/');

function AcceptInvitation({ token }: { token: string }) {
  const lookup = useInvitationLookup(token);
  const me = useMe();
  const accept = useAcceptInvitation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  if (lookup.isPending) return <div className="page-message">Loading…</div>;
  if (lookup.error)
    return (
      <Card
        title="Join a workspace"
        error={lookup.error.message}
        submit={{ label: 'Go to sign-in' }}
        onSubmit={goHome}
      />
    );
  const invitation = lookup.data;
  const signedInAsInvitee = me.data?.kind === 'user' && me.data.user.email === invitation.email;
  const error = accept.error ? fieldError(accept.error, 'body.password') : undefined;
  return (
    <Card
      title={`Join ${invitation.workspace.name}`}
      error={error}
      submit={{ label: 'Accept the invitation', busyLabel: 'Joining…', busy: accept.isPending }}
      onSubmit={() =>
        accept.mutate(
          {
            token,
            ...(name ? { name } : {}),
            ...(signedInAsInvitee ? {} : { password }),
          },
          { onSuccess: goHome },
        )
      }
    >
      <p className="muted small">
        You are invited as <b>{invitation.email}</b> with the roles {invitation.roles.join(', ')}.
      </p>
      {signedInAsInvitee ? (
        <p className="small">You are signed in as this account: accept to add the workspace to it.</p>
      ) : invitation.accountExists ? (
        <PasswordField
          label="Your Wakeflow password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
      ) : (
        <>
          <label className="field">
            <span className="field-label">Your name</span>
            <input
              autoComplete="name"
              value={name}
              placeholder={invitation.name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <PasswordField
            label="Choose a password"
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
          />
        </>
      )}
    </Card>
  );
}

function ResetPassword({ token }: { token: string }) {
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');
  if (confirm.isSuccess)
    return (
      <Card title="Password changed" submit={{ label: 'Sign in' }} onSubmit={goHome}>
        <p className="small">Your new password is set; every earlier session was signed out.</p>
      </Card>
    );
  const error = confirm.error ? fieldError(confirm.error, 'body.password') : undefined;
  return (
    <Card
      title="Choose a new password"
      error={error}
      submit={{ label: 'Set the new password', busyLabel: 'Saving…', busy: confirm.isPending }}
      onSubmit={() => confirm.mutate({ token, password })}
    >
      <PasswordField
        label="New password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
      />
    </Card>
  );
}

export function AccountLinkPage({ link }: { link: AccountLink }) {
  return link.kind === 'invitation' ? (
    <AcceptInvitation token={link.token} />
  ) : (
    <ResetPassword token={link.token} />
  );
}
