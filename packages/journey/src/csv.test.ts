import { describe, expect, it } from 'vitest';
import { csvCell, csvLines, neutraliseCsvFormula, toCsv } from './csv';
import { runsToCsv } from './run-export';

describe('CSV cells', () => {
  it('prefixes a quote to every cell a spreadsheet would run as a formula (OWASP)', () => {
    for (const text of [
      '=HYPERLINK("http://evil.example","x")',
      '=1+1',
      "+1+cmd|' /C calc'!A0",
      "-2+3+cmd|' /C calc'!A0",
      '-1+1',
      '-',
      '@SUM(A1:A9)',
      '\t=1+1',
      '\r=1+1',
      '+',
      '-Infinity',
    ])
      expect(neutraliseCsvFormula(text), JSON.stringify(text)).toBe(`'${text}`);
  });

  it('keeps plain signed numbers as numbers, and text that starts harmlessly as it is', () => {
    for (const text of ['-1', '-0.05', '-12.5e-3', '+4915112345678', '-.5', '42', 'a=1', ' =1', 'x@y.z', ''])
      expect(neutraliseCsvFormula(text), JSON.stringify(text)).toBe(text);
    expect(csvCell(-0.05)).toBe('-0.05');
    expect(csvCell(-3)).toBe('-3');
  });

  it('neutralises before quoting, so the quote prefix sits inside the quoted field', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
    );
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
  });

  it('quotes separators, quotes, line breaks and edge whitespace (RFC 4180) and leaves empties empty', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('writes CRLF-terminated lines, headers included', () => {
    expect(
      csvLines([
        ['a', 1],
        ['=x', -1],
      ]),
    ).toBe("a,1\r\n'=x,-1\r\n");
    expect(toCsv([{ n: '+x' }], [{ header: '=h', value: (r) => r.n }])).toBe("'=h\r\n'+x\r\n");
  });
});

describe('runs export', () => {
  it('neutralises a planted external id in the customer column', () => {
    const csv = runsToCsv([
      {
        id: 'r1',
        customerExternalId: '=HYPERLINK("http://evil.example","x")',
        journeyName: 'Win-back',
        version: 1,
        status: 'completed',
        outcome: null,
        holdout: false,
        currentNodeId: null,
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: null,
      },
    ]);
    expect(csv).toBe(
      'run,customer,journey,version,status,outcome,holdout,current step,started,ended\r\n' +
        `r1,"'=HYPERLINK(""http://evil.example"",""x"")",Win-back,1,completed,,false,,2026-01-01T00:00:00.000Z,\r\n`,
    );
  });
});
