import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateLimitError, TemplateRenderError } from './render';
import type { TemplateVariables } from './variables';

const variables = (over: Partial<TemplateVariables> = {}): TemplateVariables => ({
  customer: {
    id: 'c1',
    external_id: 'u-1',
    email: 'ann@example.com',
    phone: null,
    first_name: 'Ann <script>',
    last_name: null,
    name: 'Ann <script>',
    timezone: 'Asia/Shanghai',
    birthday: null,
    tags: ['vip'],
    traits: { city: 'Hangzhou' },
    signed_up_at: null,
    last_activity_at: null,
    last_login_at: null,
    last_purchase_at: null,
    purchase_count: 3,
    total_spend: 420.5,
    days_inactive: 120,
    dormancy_stage: 'mid',
    value_tier: 'high',
  },
  entry: { sku: 'A-1' },
  steps: {
    offer: { code: 'WB20-ABCD', value_cents: 2000 },
    recommend: { products: [{ name: 'Tea' }, { name: 'Cups' }] },
  },
  unsubscribe_url: 'https://w.example/api/t/u/x',
  message: { id: 'm1', channel: 'email' },
  now: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('renderTemplate', () => {
  it('personalises with customer facts, steps and filters, escaping HTML but not text', async () => {
    const out = await renderTemplate(
      {
        channel: 'email',
        subject: '{{ customer.first_name }}, {{ steps.offer.value_cents | money: "CNY" }} for you',
        body: 'Code {{ steps.offer.code }} ({{ customer.dormancy_stage }}/{{ customer.value_tier }}) {% for p in steps.recommend.products %}{{ p.name }}{% unless forloop.last %}, {% endunless %}{% endfor %}',
        html: '<p>Hi {{ customer.first_name }}</p><a href="{{ unsubscribe_url }}">unsubscribe</a>',
      },
      variables(),
    );
    expect(out.subject).toBe('Ann <script>, ¥20.00 for you');
    expect(out.text).toBe('Code WB20-ABCD (mid/high) Tea, Cups');
    expect(out.html).toBe(
      '<p>Hi Ann &lt;script&gt;</p><a href="https://w.example/api/t/u/x">unsubscribe</a>',
    );
  });

  it('fails on a missing step output instead of sending a hole, unless a default is given', async () => {
    await expect(
      renderTemplate({ channel: 'sms', body: 'a\n  {{ steps.coupon.code }}' }, variables()),
    ).rejects.toMatchObject({
      field: 'body',
      line: 2,
      column: 6,
    });
    const ok = await renderTemplate(
      { channel: 'sms', body: '{{ steps.coupon.code | default: "none" }}{% if steps.coupon %}x{% endif %}' },
      variables(),
    );
    expect(ok.text).toBe('none');
    const lenient = await renderTemplate({ channel: 'sms', body: '[{{ steps.coupon.code }}]' }, variables(), {
      strict: false,
    });
    expect(lenient.text).toBe('[]');
  });

  it('stops runaway templates and hides prototypes', async () => {
    const bomb = renderTemplate(
      { channel: 'sms', body: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' },
      variables(),
    );
    await expect(bomb).rejects.toBeInstanceOf(TemplateRenderError);
    // A limit, named as one: the template has to change, not the data.
    await expect(bomb).rejects.toBeInstanceOf(TemplateLimitError);
    await expect(bomb).rejects.toMatchObject({ limit: 'memory', field: 'body' });
    const proto = await renderTemplate(
      { channel: 'sms', body: '[{{ customer.constructor }}{{ customer.traits.__proto__ }}]' },
      variables(),
      { strict: false },
    );
    expect(proto.text).toBe('[]');
  });
});
