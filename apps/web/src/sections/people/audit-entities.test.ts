import { describe, expect, it } from 'vitest';
import { auditEntityLabel } from './audit-entities';

const names = {
  journey: (id: string) => (id === 'j1' ? 'Win back' : undefined),
  template: (id: string) => (id === 'gift' ? 'Return gift email' : undefined),
};

describe('audit rows', () => {
  it('name what they are about instead of showing its id', () => {
    expect(auditEntityLabel('journey', 'j1', names)).toEqual({ kind: 'journey', name: 'Win back', id: 'j1' });
    expect(auditEntityLabel('template', 'gift', names)).toMatchObject({ name: 'Return gift email' });
    expect(auditEntityLabel('journey_version', 'j1:3', names)).toMatchObject({
      kind: 'journey version',
      name: 'Win back',
    });
    // Unknown (deleted since) or without a list: the id stays, so the row is still exact.
    expect(auditEntityLabel('journey', 'gone', names)).toEqual({ kind: 'journey', id: 'gone' });
    expect(auditEntityLabel('api_key', 'k1', names)).toEqual({ kind: 'api key', id: 'k1' });
  });
});
