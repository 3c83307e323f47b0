// @vitest-environment happy-dom
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { testCatalog } from '../editor-core/fixtures';
import { ConfigForm } from './ConfigForm';
import { asJsonSchema } from './json-schema';
import type { FormLookups } from './SchemaForm';

afterEach(cleanup);

function Harness({
  kind,
  initial,
  lookups,
  serverErrors,
}: {
  kind: string;
  initial: Record<string, unknown>;
  lookups?: FormLookups;
  serverErrors?: { path: string; message: string }[];
}) {
  const [value, setValue] = useState(initial);
  const schema = asJsonSchema(testCatalog.get(kind)!.configSchema);
  return (
    <>
      <ConfigForm
        schema={schema}
        value={value}
        onChange={setValue}
        lookups={lookups}
        serverErrors={serverErrors}
      />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

const valueOf = () => JSON.parse(screen.getByTestId('value').textContent ?? '{}') as Record<string, unknown>;

describe('generated config form', () => {
  it('edits a duration as number + unit and reports a bad amount as you type', async () => {
    const user = userEvent.setup();
    render(<Harness kind="delay" initial={{ mode: 'duration', duration: { amount: 1, unit: 'days' } }} />);
    const amount = screen.getByLabelText('Wait for');
    await user.clear(amount);
    expect(screen.getByRole('alert').textContent).toBe('Required');
    await user.type(amount, '0');
    expect(screen.getByRole('alert').textContent).toBe('Must be more than 0');
    await user.clear(amount);
    await user.type(amount, '3');
    await user.selectOptions(screen.getByLabelText('Wait for unit'), 'weeks');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(valueOf()).toEqual({ mode: 'duration', duration: { amount: 3, unit: 'weeks' } });
  });

  it('switches a discriminated union and shows the chosen branch: local time with weekdays', async () => {
    const user = userEvent.setup();
    render(<Harness kind="delay" initial={{ mode: 'duration', duration: { amount: 1, unit: 'days' } }} />);
    await user.selectOptions(screen.getByLabelText('Wait'), 'local_time');
    expect(valueOf()).toEqual({ mode: 'local_time', time: '', weekdays: [1, 2, 3, 4, 5, 6, 7] });
    expect(screen.getByRole('alert').textContent).toBe('Required');
    const time = screen.getByLabelText('Local time');
    await user.type(time, '20:00');
    await user.click(screen.getByRole('button', { name: 'Sat' }));
    await user.click(screen.getByRole('button', { name: 'Sun' }));
    expect(valueOf()).toEqual({ mode: 'local_time', time: '20:00', weekdays: [1, 2, 3, 4, 5] });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers templates of the chosen channel only', async () => {
    const user = userEvent.setup();
    const lookups: FormLookups = {
      templates: [
        { id: 'gift-email', name: 'Return gift (email)', channel: 'email' },
        { id: 'gift-sms', name: 'Return gift (SMS)', channel: 'sms' },
      ],
    };
    render(<Harness kind="send" initial={{ channel: 'email', templateId: '' }} lookups={lookups} />);
    expect(screen.getByRole('alert').textContent).toBe('Required');
    const picker = screen.getByLabelText('Message template');
    expect([...picker.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'Choose a template…',
      'Return gift (email)',
    ]);
    await user.selectOptions(screen.getByLabelText('Channel'), 'sms');
    await user.selectOptions(screen.getByLabelText('Message template'), 'gift-sms');
    expect(valueOf()).toEqual({ channel: 'sms', templateId: 'gift-sms' });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows split percentages that do not add up to 100, and a bad arm name', async () => {
    const user = userEvent.setup();
    render(
      <Harness
        kind="split"
        initial={{
          arms: [
            { name: 'a', percent: 50 },
            { name: 'b', percent: 50 },
          ],
        }}
      />,
    );
    expect(screen.getByText('Total 100%')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Add arm/ }));
    const percents = screen.getAllByLabelText('Share (%)');
    await user.clear(percents[2]!);
    await user.type(percents[2]!, '10');
    expect(screen.getByText('Percentages must add up to 100 (now 110)')).toBeTruthy();
    await user.clear(percents[0]!);
    await user.type(percents[0]!, '40');
    expect(screen.getByText('Total 100%')).toBeTruthy();
    const names = screen.getAllByLabelText('Name');
    await user.clear(names[1]!);
    await user.type(names[1]!, 'B!');
    expect(screen.getByRole('alert').textContent).toBe(
      'Use lower-case letters, digits and _, starting with a letter',
    );
  });

  it('picks events from the known names and adds a second one to a wait', async () => {
    const user = userEvent.setup();
    render(
      <Harness
        kind="wait_for_event"
        initial={{ events: [{ event: '' }], timeout: { amount: 7, unit: 'days' } }}
        lookups={{ events: ['login', 'purchase'] }}
      />,
    );
    const first = screen.getByLabelText('Event');
    expect([...document.querySelectorAll('datalist option')].map((o) => o.getAttribute('value'))).toEqual([
      'login',
      'purchase',
    ]);
    await user.type(first, 'login');
    await user.click(screen.getByRole('button', { name: /Add event/ }));
    await user.type(screen.getAllByLabelText('Event')[1]!, 'purchase');
    expect(valueOf()).toMatchObject({
      events: [{ event: 'login' }, { event: 'purchase', filters: [] }],
      timeout: { amount: 7, unit: 'days' },
    });
  });

  it("shows the API's message for a field it rejects", () => {
    render(
      <Harness
        kind="send"
        initial={{ channel: 'email', templateId: 'gone' }}
        serverErrors={[{ path: 'templateId', message: 'Template “gone” does not exist' }]}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('Template “gone” does not exist');
  });
});
