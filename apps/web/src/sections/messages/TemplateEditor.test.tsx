// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TemplateEditor } from './TemplatesPage';
import { fakeApi, renderWithClient } from '../audience/test-support';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const existing = {
  id: 'gift-sms',
  channel: 'sms' as const,
  name: 'Gift SMS',
  subject: null,
  body: 'Hi {{ customer.first_name }}',
  html: null,
  category: 'marketing' as const,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

/** A stand-in for the API's validator: an unclosed `{{` or an unknown customer field is a problem at its position. */
function validate(draft: { body: string }) {
  const problems: { field: string; line: number; column: number; code: string; message: string }[] = [];
  draft.body.split('\n').forEach((line, i) => {
    const unclosed = line.search(/\{\{(?![^}]*\}\})/);
    if (unclosed >= 0)
      problems.push({
        field: 'body',
        line: i + 1,
        column: unclosed + 1,
        code: 'parse_error',
        message: 'output "{{ steps.offer.code }" not closed',
      });
    const unknown = line.indexOf('customer.shoe_size');
    if (unknown >= 0)
      problems.push({
        field: 'body',
        line: i + 1,
        column: unknown + 1,
        code: 'unknown_variable',
        message: 'Unknown customer field “shoe_size”',
      });
  });
  return { ok: problems.length === 0, problems, stepReferences: [] };
}

function api() {
  return fakeApi({
    'POST /api/templates/validate': (r) => validate(r.body as { body: string }),
    'GET /api/customers': () => ({
      customers: [
        {
          id: '11111111-1111-1111-1111-111111111111',
          externalId: 'ada',
          email: null,
          firstName: 'Ada',
          lastName: null,
          lastActivityAt: null,
          valueTier: null,
        },
      ],
      next: null,
    }),
    'POST /api/templates/preview': (r) => {
      const body = (r.body as { template: { body: string } }).template.body;
      return {
        rendered: { subject: null, text: body.replace('{{ customer.first_name }}', 'Ada'), html: null },
        problems: [],
      };
    },
    'PATCH /api/templates/gift-sms': (r) => ({
      template: { ...existing, ...(r.body as object), updatedAt: '2026-02-01T00:00:00Z' },
    }),
  });
}

describe('template editor', () => {
  it('refuses to save a broken template and shows each problem under its field with line, column and a caret', async () => {
    const user = userEvent.setup();
    const { requests } = api();
    renderWithClient(<TemplateEditor existing={existing} />);
    const body = screen.getByLabelText('Message') as HTMLTextAreaElement;
    await user.clear(body);
    await user.type(
      body,
      'Hi {{{{ customer.first_name }}{enter}your code: {{{{ steps.offer.code }{enter}size {{{{ customer.shoe_size }}',
    );
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByText(/Not saved: 2 problems/);
    expect(requests.some((r) => r.method === 'PATCH')).toBe(false);
    const list = screen.getAllByRole('alert').find((el) => el.classList.contains('template-problems'))!;
    const items = within(list).getAllByRole('listitem');
    expect(items[0]!.textContent).toContain('line 2, column 12');
    expect(items[0]!.textContent).toContain('not closed');
    expect(items[0]!.querySelector('pre')!.textContent).toBe(
      'your code: {{ steps.offer.code }\n           ^',
    );
    expect(items[1]!.textContent).toContain('line 3, column 9');
    expect(items[1]!.textContent).toContain('Unknown customer field “shoe_size”');
    // The first problem got the cursor.
    expect(document.activeElement).toBe(body);
    expect(body.selectionStart).toBe(body.value.indexOf('{{ steps'));
  });

  it('previews for a chosen customer and saves a valid template', async () => {
    const user = userEvent.setup();
    const { requests } = api();
    renderWithClient(<TemplateEditor existing={existing} />);
    await waitFor(() => expect(screen.getByRole('option', { name: 'Ada (ada)' })).toBeTruthy());
    await user.selectOptions(
      screen.getByLabelText('Preview customer'),
      '11111111-1111-1111-1111-111111111111',
    );
    await waitFor(() => expect(screen.getByTestId('template-preview').textContent).toBe('Hi Ada'), {
      timeout: 3000,
    });
    await user.type(screen.getByLabelText('Message'), '!');
    await waitFor(() => expect(screen.getByTestId('template-preview').textContent).toBe('Hi Ada!'), {
      timeout: 3000,
    });
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByText('Saved.');
    expect(requests.find((r) => r.method === 'PATCH')!.body).toEqual({
      name: 'Gift SMS',
      subject: null,
      body: 'Hi {{ customer.first_name }}!',
      html: null,
      category: 'marketing',
    });
  });
});
