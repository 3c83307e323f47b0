import { describe, expect, it } from 'vitest';
import { appDatabaseUrl, asAppRole } from './app-role';

/** The user node-postgres would log in as (pg-connection-string: a `user` parameter wins over the URL's user). */
const userOf = (url: string): string => {
  const parsed = new URL(url);
  return parsed.searchParams.get('user') ?? decodeURIComponent(parsed.username);
};

describe('asAppRole', () => {
  it('swaps the user and keeps host, port, database, password and parameters', () => {
    const url = asAppRole('postgres://owner:secret@db.example.com:6543/wakeflow?sslmode=require');
    const parsed = new URL(url);
    expect(parsed.username).toBe('wakeflow_app');
    expect(parsed.password).toBe('secret');
    expect(parsed.host).toBe('db.example.com:6543');
    expect(parsed.pathname).toBe('/wakeflow');
    expect(parsed.searchParams.get('sslmode')).toBe('require');
  });

  it('adds a user to a URL that had none', () => {
    expect(userOf(asAppRole('postgres://127.0.0.1:5432/wakeflow'))).toBe('wakeflow_app');
  });

  it('replaces a user given as a parameter, which node-postgres prefers to the URL user', () => {
    expect(userOf(asAppRole('postgresql://owner@localhost/wakeflow?user=owner'))).toBe('wakeflow_app');
  });

  it('sets the user as a parameter on a URL without a host (Unix socket)', () => {
    const url = asAppRole('postgres:///wakeflow?host=/var/run/postgresql');
    expect(userOf(url)).toBe('wakeflow_app');
    expect(new URL(url).searchParams.get('host')).toBe('/var/run/postgresql');
  });

  it('refuses a connection string that is not a URL', () => {
    expect(() => asAppRole('host=/tmp dbname=wakeflow')).toThrow(/WAKEFLOW_APP_DATABASE_URL/);
  });
});

describe('appDatabaseUrl', () => {
  const owner = 'postgres://owner:secret@db:5432/wakeflow';

  it('uses WAKEFLOW_APP_DATABASE_URL as it is when set', () => {
    const app = 'postgres://wakeflow_app:other@db:5432/wakeflow';
    expect(appDatabaseUrl(owner, { WAKEFLOW_APP_DATABASE_URL: app })).toBe(app);
  });

  it('derives it from the owner URL otherwise, also when the variable is blank', () => {
    expect(userOf(appDatabaseUrl(owner, {}))).toBe('wakeflow_app');
    expect(userOf(appDatabaseUrl(owner, { WAKEFLOW_APP_DATABASE_URL: ' ' }))).toBe('wakeflow_app');
  });
});
