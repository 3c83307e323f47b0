// @vitest-environment happy-dom
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { testCatalogEntries } from '../editor-core/fixtures';
import { InsertMenu } from './InsertMenu';

afterEach(cleanup);

function Harness() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" aria-label="Add a step after “Gift email”" onClick={() => setOpen(true)}>
        +
      </button>
      {open ? (
        <InsertMenu
          at={{ kind: 'path', source: 'gift_email', outcome: 'next' }}
          anchor={new DOMRect(0, 0, 10, 10)}
          connected={false}
          entries={testCatalogEntries}
          canPaste={false}
          onPick={() => setOpen(false)}
          onPaste={() => setOpen(false)}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}

describe('the + menu by keyboard', () => {
  it('takes focus when it opens, moves with the arrow keys, and gives focus back to its + when it closes', async () => {
    const user = userEvent.setup();
    render(<Harness />);
    const plus = screen.getByRole('button', { name: 'Add a step after “Gift email”' });
    plus.focus();
    await user.keyboard('{Enter}');
    const items = screen.getAllByRole('menuitem');
    expect(document.activeElement).toBe(items[0]);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(items[1]);
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(document.activeElement).toBe(items.at(-1));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(plus);
  });
});
