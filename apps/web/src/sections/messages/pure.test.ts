import { describe, expect, it } from 'vitest';
import { messageLogQuery } from '../../api/messages';
import { money, parseCodes } from './CouponsPage';
import { describeReason } from './MessageLogPage';
import { describePosition, excerptAt, offsetOf, problemsFor } from './template-problems';

describe('template problem positions', () => {
  const text = 'Hi {{ customer.first_name }},\nyour code: {{ steps.offer.code }\nbye';
  it('turns line and column into an offset and an excerpt with a caret', () => {
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(text.slice(offsetOf(text, 2, 12))).toMatch(/^\{\{ steps/);
    expect(offsetOf(text, 99, 99)).toBe(text.length);
    const ex = excerptAt(text, 2, 12)!;
    expect(ex.text).toBe('your code: {{ steps.offer.code }');
    expect(ex.text[ex.caret]).toBe('{');
    expect(excerptAt(text, 7, 1)).toBeNull();
  });
  it('cuts long lines around the column and keeps the caret on it', () => {
    const long = `${'x'.repeat(200)}{{ bad`;
    const ex = excerptAt(long, 1, 201)!;
    expect(ex.text.startsWith('…')).toBe(true);
    expect(ex.text[ex.caret]).toBe('{');
  });
  it('lists a field’s problems in reading order', () => {
    const ps = [
      { field: 'body', line: 2, column: 1, code: 'parse_error', message: 'b' },
      { field: 'subject', line: 1, column: 1, code: 'parse_error', message: 's' },
      { field: 'body', line: 1, column: 5, code: 'unknown_variable', message: 'a' },
    ];
    expect(problemsFor(ps, 'body').map((p) => p.message)).toEqual(['a', 'b']);
    expect(describePosition(ps[0]!)).toBe('line 2, column 1');
  });
});

describe('coupons and the log', () => {
  it('reads pasted codes and formats money', () => {
    expect(parseCodes('A-1\nA-2, A-3;A-1\n\n  B-9 ')).toEqual(['A-1', 'A-2', 'A-3', 'B-9']);
    expect(money(2000, 'CNY')).toBe('CNY 20.00');
  });
  it('sends only chosen filters and says skip reasons in words', () => {
    expect(messageLogQuery({ customerId: ' c1 ', status: 'failed' })).toBe(
      'customerId=c1&status=failed&limit=100',
    );
    expect(messageLogQuery({})).toBe('limit=100');
    expect(describeReason('no_consent')).toBe('no consent for this channel');
    expect(describeReason('template_error')).toBe('template error');
  });
});
