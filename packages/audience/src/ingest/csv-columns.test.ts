import { describe, expect, it } from 'vitest';
import { csvImportColumns, type CsvImportTarget } from '@wakeflow/contracts';
import { columnRole } from './csv';

describe('the CSV columns the contract lists', () => {
  for (const target of Object.keys(csvImportColumns) as CsvImportTarget[]) {
    const { required, optional } = csvImportColumns[target];
    it(`are all understood by the ${target} importer`, () => {
      for (const header of [...required, ...optional].map((h) => h.replace('<name>', 'colour')))
        expect(columnRole(target, header), header).toBeDefined();
    });
  }

  it('are not understood by the other importer where they do not belong', () => {
    expect(columnRole('events', 'traits.colour')).toBeUndefined();
    expect(columnRole('customers', 'occurred_at')).toBeUndefined();
  });
});
