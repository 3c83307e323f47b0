/** Sign-in: email and password, and the company's OpenID Connect button when the API has one configured. */
import { useState } from 'react';
import { LogIn, Workflow } from 'lucide-react';
import { ApiError } from '../../api/client';
import { useAuthConfig, useRequestPasswordReset, useSignIn } from '../../api/people';

export function SignInPage() {
  const config = useAuthConfig();
  const signIn = useSignIn();
  const reset = useRequestPasswordReset();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const oidc = config.data?.methods.oidc;
  const returnTo = window.location.hash.replace(/^#/, '') || '/';
  const error = signIn.error instanceof ApiError ? signIn.error : undefined;

  return (
    <div className="sign-in-page">
      <form
        className="sign-in-card"
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          signIn.mutate({ email, password });
        }}
      >
        <div className="sign-in-brand">
          <Workflow size={22} /> Wakeflow
        </div>
        <h1>Sign in</h1>
        {oidc ? (
          <>
            <a
              className="button button-block"
              href={`${oidc.startUrl}?returnTo=${encodeURIComponent(returnTo)}`}
            >
              Continue with {oidc.label}
            </a>
            <div className="divider">or with your password</div>
          </>
        ) : null}
        <label className="field">
          <span className="field-label">Email</span>
          <input
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {signIn.error ? (
          <div className="field-error" role="alert">
            {error?.code === 'rate_limited'
              ? 'Too many attempts; wait a few minutes and try again.'
              : signIn.error.message}
          </div>
        ) : null}
        <button type="submit" className="button button-primary button-block" disabled={signIn.isPending}>
          <LogIn size={14} /> {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <button
          type="button"
          className="link-button"
          disabled={!email || reset.isPending}
          onClick={() => reset.mutate(email)}
        >
          Forgot your password? Email me a link
        </button>
        {reset.data ? <div className="muted small">{reset.data.message}</div> : null}
      </form>
    </div>
  );
}
