import { describe, expect, it } from 'vitest';
import { permissionsOfRoles, permissionsOfScope } from './roles';

describe('roles and scopes', () => {
  it('keeps duties apart: managers publish, reviewers approve, engineers configure, admins manage people', () => {
    const manager = permissionsOfRoles(['campaign_manager']);
    expect(manager.has('journeys.publish')).toBe(true);
    expect(manager.has('journeys.approve')).toBe(false);
    expect(manager.has('providers.manage')).toBe(false);
    const reviewer = permissionsOfRoles(['reviewer']);
    expect([...reviewer]).toEqual(
      expect.arrayContaining(['journeys.approve', 'runs.replay', 'workspace.read']),
    );
    expect(reviewer.has('journeys.edit')).toBe(false);
    expect(permissionsOfRoles(['engineer']).has('api_keys.manage')).toBe(true);
    expect(permissionsOfRoles(['admin']).has('people.manage')).toBe(true);
    expect(permissionsOfRoles(['admin']).has('journeys.publish')).toBe(false);
  });

  it('unions several roles and ignores unknown ones', () => {
    expect(permissionsOfRoles(['reviewer', 'campaign_manager', 'wizard']).has('journeys.edit')).toBe(true);
    expect(permissionsOfRoles(['wizard']).size).toBe(0);
  });

  it('gives an ingest key ingest only, and no key approval, people or key management', () => {
    expect([...permissionsOfScope('ingest')]).toEqual(['ingest']);
    for (const scope of ['ingest', 'read', 'admin'] as const) {
      const p = permissionsOfScope(scope);
      expect(p.has('journeys.approve') || p.has('people.manage') || p.has('api_keys.manage')).toBe(false);
    }
  });
});
