/** The people section: team, roles, API keys, approvals and audit under `#/team`. */
import '../people.css';
import type { Section } from '../section';
import { parseTeamPath, TeamPage } from './TeamPage';

export const peopleSection: Section = {
  id: 'people',
  label: 'Team',
  path: '/team',
  render(path) {
    const route = parseTeamPath(path);
    return route ? (
      <TeamPage
        key={`${route.tab}/${route.id ?? ''}`}
        tab={route.tab}
        {...(route.id ? { id: route.id } : {})}
      />
    ) : null;
  },
};
