/**
 * @wakeflow/auth: who may do what. Password hashing, server-side sessions, API keys, roles and the route permission
 * table, OIDC sign-in, publish approvals and the audit log writer. The HTTP side (cookies, CSRF, rate limits,
 * enforcing the table) lives in apps/api/src/http.
 */
export * from './tokens';
export * from './passwords';
export * from './roles';
export * from './route-permissions';
export * from './roles-doc';
export * from './principal';
export * from './users';
export * from './sessions';
export * from './api-keys';
export * from './password-resets';
export * from './invitations';
export * from './oidc';
export * from './oidc-logins';
export * from './audit';
export * from './approvals';
export * from './workspace-settings';
export * from './graph-diff';
export * from './auth-mail';
