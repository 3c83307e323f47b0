/**
 * "Send a test" under a send step's settings: the step's message rendered with a chosen customer's data, delivered
 * through the real provider to the signed-in person or people on the workspace's seed list, with what happened to
 * each. Someone can be added to the seed list right here. The draft is saved first, so the test is of what is on
 * screen.
 */
import { useState } from 'react';
import { Send } from 'lucide-react';
import { describeMessageReason } from '@wakeflow/contracts';
import { ApiError } from '../api/client';
import { useMe } from '../api/people';
import { useAddTestRecipient, useSendTest, useTestRecipients } from '../api/test-sends';
import { ErrorText } from '../ui/ErrorText';
import './test-send.css';

export function TestSendPanel({
  journeyId,
  stepId,
  saveDraft,
}: {
  journeyId: string;
  stepId: string;
  /** Saves the draft, so the server sends what the manager sees. */
  saveDraft: () => Promise<unknown>;
}) {
  const me = useMe();
  const recipients = useTestRecipients();
  const send = useSendTest(journeyId);
  const [customer, setCustomer] = useState('');
  const [toMe, setToMe] = useState(false);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const myEmail = me.data?.kind === 'user' ? me.data.user.email : undefined;
  const toggle = (id: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const submit = async () => {
    await saveDraft();
    send.mutate({ stepId, customerExternalId: customer.trim(), toMe, recipientIds: [...chosen] });
  };
  return (
    <details className="test-send" data-testid="test-send">
      <summary>Send a test</summary>
      <div className="field">
        <label className="field-label" htmlFor="test-send-customer">
          With the data of customer (external id)
        </label>
        <input
          id="test-send-customer"
          value={customer}
          placeholder="e.g. cust-1042"
          onChange={(e) => setCustomer(e.target.value)}
        />
      </div>
      <fieldset className="field">
        <legend className="field-label">Send to</legend>
        {myEmail ? (
          <label className="check-row">
            <input type="checkbox" checked={toMe} onChange={(e) => setToMe(e.target.checked)} /> Me ({myEmail}
            )
          </label>
        ) : null}
        {(recipients.data ?? []).map((r) => (
          <label key={r.id} className="check-row">
            <input type="checkbox" checked={chosen.has(r.id)} onChange={() => toggle(r.id)} /> {r.name}{' '}
            <span className="muted small">{[r.email, r.phone].filter(Boolean).join(', ')}</span>
          </label>
        ))}
        {recipients.data?.length === 0 && !myEmail ? (
          <p className="muted small">Nobody on the seed list yet: add someone below.</p>
        ) : null}
      </fieldset>
      <AddSeedRecipient />
      <button
        type="button"
        className="button"
        disabled={send.isPending || customer.trim() === '' || (!toMe && chosen.size === 0)}
        onClick={() => void submit()}
      >
        <Send size={14} /> {send.isPending ? 'Sending…' : 'Send test'}
      </button>
      <ErrorText error={send.error} what="send the test" />
      {send.data ? (
        <ul className="test-send-results" aria-label="Test send results">
          {send.data.results.map((r, i) => (
            <li key={`${r.recipient}-${i}`}>
              <b>{r.recipient}</b>:{' '}
              {r.status === 'sent' ? `sent to ${r.to}` : `${r.status} — ${describeMessageReason(r.reason)}`}
            </li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}

function AddSeedRecipient() {
  const add = useAddTestRecipient();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const submit = () => {
    const trimmed = address.trim();
    // One field for either address: a phone number starts with +, anything else is an email address.
    add.mutate(
      { name: name.trim(), ...(trimmed.startsWith('+') ? { phone: trimmed } : { email: trimmed }) },
      {
        onSuccess: () => {
          setName('');
          setAddress('');
        },
      },
    );
  };
  const issue = (field: string) =>
    add.error instanceof ApiError
      ? add.error.issues.find((i) => i.path === `body.${field}`)?.message
      : undefined;
  // The one address box stands for email and phone alike: say what the API found wrong with it, or the name.
  const fieldProblem = issue('email') ?? issue('phone') ?? issue('name');
  return (
    <div className="seed-add" role="group" aria-label="Add to the seed list">
      <input
        aria-label="Seed recipient name"
        placeholder="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <input
        aria-label="Seed recipient email or phone"
        placeholder="Email, or phone as +49…"
        value={address}
        onChange={(e) => setAddress(e.target.value)}
      />
      <button type="button" className="button" disabled={add.isPending || !name.trim()} onClick={submit}>
        Add
      </button>
      {fieldProblem ? (
        <div className="field-error" role="alert">
          {fieldProblem}
        </div>
      ) : (
        <ErrorText error={add.error} what="add to the seed list" />
      )}
    </div>
  );
}
