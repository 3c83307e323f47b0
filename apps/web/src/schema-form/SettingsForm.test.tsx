// @vitest-environment happy-dom
/**
 * The journey settings and step forms as a campaign manager meets them: no empty boxes under a choice with nothing
 * to fill in, a 24-hour time field, and a conversion that starts with a window in days and an "Event" field.
 */
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { z } from 'zod';
import { journeySettingsSchema } from '@wakeflow/journey';
import { testCatalog } from '../editor-core/fixtures';
import { ConfigForm } from './ConfigForm';
import { asJsonSchema, type JsonSchema } from './json-schema';

afterEach(cleanup);

const settingsSchema = asJsonSchema(
  z.toJSONSchema(journeySettingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
);

function Harness({ schema, initial }: { schema: JsonSchema; initial: Record<string, unknown> }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <ConfigForm schema={schema} value={value} onChange={setValue} />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

const valueOf = () => JSON.parse(screen.getByTestId('value').textContent ?? '{}') as Record<string, unknown>;

/** Bordered groups with nothing inside but their title. */
function emptyGroups(container: HTMLElement): string[] {
  return [...container.querySelectorAll('fieldset.field-group')]
    .filter((f) => !f.querySelector('input, select, textarea, button'))
    .map((f) => f.getAttribute('data-path') ?? '');
}

describe('journey settings form', () => {
  it('draws no empty box under re-entry "Only once"', () => {
    const { container } = render(<Harness schema={settingsSchema} initial={{ reentry: { mode: 'once' } }} />);
    expect(screen.getByLabelText('Re-entry')).toBeTruthy();
    expect(emptyGroups(container)).toEqual([]);
  });

  it('starts a new conversion with a window in days and an "Event" field, not "Events 1"', async () => {
    const user = userEvent.setup();
    render(<Harness schema={settingsSchema} initial={{ reentry: { mode: 'once' } }} />);
    await user.click(screen.getByRole('button', { name: 'Add conversion' }));
    expect(valueOf().conversion).toMatchObject({ window: { amount: 7, unit: 'days' } });
    expect(screen.getByLabelText('Event')).toBeTruthy();
    expect(screen.queryByLabelText('Events 1')).toBeNull();
  });
});

describe('step forms', () => {
  it('draws no empty box under a Condition’s "When: since entering the journey"', () => {
    const schema = asJsonSchema(testCatalog.get('branch')!.configSchema);
    const { container } = render(
      <Harness
        schema={schema}
        initial={{
          condition: {
            kind: 'event',
            event: 'login',
            window: { type: 'since_entry' },
            count: { op: 'gte', value: 1 },
          },
        }}
      />,
    );
    expect(screen.getByLabelText('When')).toBeTruthy();
    expect(emptyGroups(container)).toEqual([]);
  });

  it('asks for a local time as 24-hour text, not the browser’s 12-hour picker', async () => {
    const user = userEvent.setup();
    const schema = asJsonSchema(testCatalog.get('delay')!.configSchema);
    render(
      <Harness schema={schema} initial={{ mode: 'local_time', time: '', weekdays: [1, 2, 3, 4, 5, 6, 7] }} />,
    );
    const time = screen.getByLabelText('Local time');
    expect(time.getAttribute('type')).toBe('text');
    expect(time.getAttribute('placeholder')).toBe('HH:MM, e.g. 20:00');
    await user.type(time, '20:30');
    expect(valueOf()).toMatchObject({ time: '20:30' });
  });
});
