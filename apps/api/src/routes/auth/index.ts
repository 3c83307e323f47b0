/**
 * The auth route module: sign-in (password and OIDC), password reset, people and roles, workspace settings, API
 * keys, publish approvals and the audit log. What each route needs is in @wakeflow/auth's route table.
 */
import { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { apiKeyRoutes } from './api-keys';
import { approvalRoutes } from './approvals';
import { auditRoutes } from './audit';
import { withAuthOptions } from './context';
import { invitationRoutes } from './invitations';
import { oidcRoutes } from './oidc';
import { passwordResetRoutes } from './password-reset';
import { peopleRoutes } from './people';
import { signInRoutes } from './sign-in';
import { workspaceSettingsRoutes } from './workspace-settings';

export function authRoutes(apiDeps: ApiDeps): Router {
  const deps = withAuthOptions(apiDeps);
  const router = Router();
  router.use(signInRoutes(deps));
  router.use(passwordResetRoutes(deps));
  router.use(invitationRoutes(deps));
  router.use(oidcRoutes(deps));
  router.use(peopleRoutes(deps));
  router.use(workspaceSettingsRoutes(deps));
  router.use(apiKeyRoutes(deps));
  router.use(approvalRoutes(deps));
  router.use(auditRoutes(deps));
  return router;
}
