import { describe, expect, it } from 'vitest';
import { checkPattern, generateCode, patternSpace } from './pattern';

describe('coupon code patterns', () => {
  it('generates codes of the pattern’s shape without look-alike characters', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateCode('wb20-????-####');
      expect(code).toMatch(/^WB20-[A-HJKMNP-Z]{4}-[2-9]{4}$/);
    }
  });

  it('requires enough randomness', () => {
    expect(patternSpace('##')).toBe(64);
    expect(checkPattern('WB-##')).toMatch(/more/);
    expect(checkPattern('WB20-????-####')).toBeNull();
    expect(checkPattern('bad pattern!')).toMatch(/Use letters/);
  });
});
