/** The people section's frame: tabs for people and roles, API keys, approvals and the audit log. */
import { ApiKeysPage } from './ApiKeysPage';
import { ApprovalsPage } from './ApprovalsPage';
import { AuditPage } from './AuditPage';
import { PeoplePage } from './PeoplePage';
import { useAccess } from './access';

export type TeamTab = 'people' | 'api-keys' | 'approvals' | 'audit';

const tabs: { id: TeamTab; label: string; permission?: string }[] = [
  { id: 'people', label: 'People & roles' },
  { id: 'api-keys', label: 'API keys', permission: 'api_keys.manage' },
  { id: 'approvals', label: 'Approvals' },
  { id: 'audit', label: 'Audit log', permission: 'audit.read' },
];

export function parseTeamPath(path: string): { tab: TeamTab; id?: string } | null {
  const match = /^\/team(?:\/(people|api-keys|approvals|audit)(?:\/([^/?]+))?)?\/?$/.exec(
    path.split('?')[0]!,
  );
  if (!match) return null;
  return {
    tab: (match[1] as TeamTab | undefined) ?? 'people',
    ...(match[2] ? { id: decodeURIComponent(match[2]) } : {}),
  };
}

export function TeamPage({ tab, id }: { tab: TeamTab; id?: string }) {
  const access = useAccess();
  return (
    <div className="wf-page">
      <div className="wf-page-header">
        <div>
          <h1>Team</h1>
          <p className="muted">Who works in this workspace, what they may do, and what they did.</p>
        </div>
      </div>
      <nav className="tabs" aria-label="Team">
        {tabs.map((t) => {
          const reason = t.permission ? access.reason(t.permission) : undefined;
          return (
            <a
              key={t.id}
              href={`#/team/${t.id}`}
              aria-current={t.id === tab ? 'page' : undefined}
              className={reason ? 'tab-locked' : undefined}
              title={reason}
            >
              {t.label}
            </a>
          );
        })}
      </nav>
      {tab === 'people' ? <PeoplePage /> : null}
      {tab === 'api-keys' ? <ApiKeysPage /> : null}
      {tab === 'approvals' ? <ApprovalsPage {...(id ? { selectedId: id } : {})} /> : null}
      {tab === 'audit' ? <AuditPage /> : null}
    </div>
  );
}
