import { describe, expect, it } from 'vitest';
import { validateTemplate } from './validate';

describe('validateTemplate', () => {
  it('accepts customer fields, traits, entry, steps, filters and local variables', () => {
    const result = validateTemplate({
      channel: 'email',
      subject: 'Welcome back, {{ customer.first_name | default: "friend" }}',
      body: [
        '{% assign gift = steps.offer.code %}',
        'Your code: {{ gift }} worth {{ steps.offer.value_cents | money: "CNY" }}',
        '{% for p in steps.recommend.products %}- {{ p.name }} ({{ forloop.index }}){% endfor %}',
        'You bought {{ entry.sku }}; tier {{ customer.value_tier }}, {{ customer.traits.city }}',
        '{% capture sig %}The team{% endcapture %}{{ sig }} {{ unsubscribe_url }}',
      ].join('\n'),
      html: '<p>{{ customer.name | or_default: "there" }}</p>',
    });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.stepReferences).toEqual(['offer', 'recommend']);
  });

  it('reports a parse error with line and column', () => {
    const result = validateTemplate({ channel: 'sms', body: 'Hi there\n  {{ customer.first_name }\nbye' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({ field: 'body', code: 'parse_error', line: 2, column: 3 }),
    ]);
  });

  it('reports an unclosed tag and an unknown filter with positions', () => {
    const unclosed = validateTemplate({ channel: 'sms', body: 'a\nb {% if customer.email %}yes' });
    expect(unclosed.problems[0]).toMatchObject({ code: 'parse_error', line: 2, column: 3 });
    const filter = validateTemplate({ channel: 'sms', body: '{{ customer.email | shout }}' });
    expect(filter.problems[0]).toMatchObject({ code: 'parse_error', line: 1, column: 1 });
    expect(filter.problems[0]!.message).toContain('shout');
  });

  it('reports unknown variables and customer fields with a hint', () => {
    const result = validateTemplate({
      channel: 'email',
      subject: 'Hi {{ custmer.first_name }}',
      body: 'ok\n   {{ customer.fist_name }}',
    });
    expect(result.problems).toEqual([
      expect.objectContaining({
        field: 'body',
        code: 'unknown_variable',
        line: 2,
        column: 7,
        message: expect.stringContaining('customer.first_name'),
      }),
      expect.objectContaining({
        field: 'subject',
        code: 'unknown_variable',
        line: 1,
        column: 7,
        message: expect.stringContaining('“customer”'),
      }),
    ]);
  });

  it('refuses includes and renders: templates have no file system', () => {
    const result = validateTemplate({
      channel: 'email',
      subject: 's',
      body: 'x',
      html: '<p>{% include "secrets.html" %}</p>',
    });
    expect(result.problems[0]).toMatchObject({ field: 'html', code: 'parse_error', line: 1, column: 4 });
    expect(validateTemplate({ channel: 'sms', body: "{% render '/etc/passwd' %}" }).ok).toBe(false);
    expect(validateTemplate({ channel: 'sms', body: "{% layout 'x' %}" }).ok).toBe(false);
  });

  it('ignores the html part for non-email channels', () => {
    expect(validateTemplate({ channel: 'sms', body: 'x', html: '{{ broken' }).ok).toBe(true);
  });
});
