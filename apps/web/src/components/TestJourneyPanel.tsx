/**
 * "Test journey": pick a customer (or describe one) and script what they do; the server runs the journey machine on
 * a virtual clock and answers the path with each step's time, each message rendered with the customer's data and
 * each sending rule's decision. The page draws the path on the canvas. Nothing is sent and nothing is written.
 */
import { useState, type FormEvent } from 'react';
import { X } from 'lucide-react';
import type { JourneyPreview, JourneyPreviewRequest } from '@wakeflow/contracts';
import { useCustomerSearch } from '../api/audience';
import { useJourneyPreview } from '../api/preview';
import { formatShortTime } from '../sections/review/format';
import { readScript } from './test-journey';

type Who = 'stored' | 'described';

export function TestJourneyPanel({
  journeyId,
  draft,
  stepTitle,
  onResult,
  onClose,
}: {
  journeyId: string;
  /** The draft as being edited: previewed as it is, saved or not. */
  draft: Pick<JourneyPreviewRequest, 'graph' | 'settings'>;
  stepTitle(id: string): string;
  onResult(preview: JourneyPreview | undefined): void;
  onClose(): void;
}) {
  const preview = useJourneyPreview(journeyId);
  const [who, setWho] = useState<Who>('stored');
  const [externalId, setExternalId] = useState('');
  const [firstName, setFirstName] = useState('');
  const [email, setEmail] = useState('');
  const [timezone, setTimezone] = useState('UTC');
  const [tier, setTier] = useState('');
  const [consent, setConsent] = useState(true);
  const [script, setScript] = useState('');
  const [problem, setProblem] = useState<string>();
  const result = preview.data;
  // Suggestions as the manager types: the workspace's customers whose id, name or email match.
  const matches = useCustomerSearch(who === 'stored' ? externalId.trim() : '');

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const read = readScript(script);
    if (!read.ok) {
      setProblem(read.message);
      return;
    }
    if (who === 'stored' && externalId.trim() === '') {
      setProblem('Name the customer by their id');
      return;
    }
    setProblem(undefined);
    const request: JourneyPreviewRequest = {
      ...draft,
      timeline: read.timeline,
      ...(who === 'stored'
        ? { externalId: externalId.trim() }
        : {
            customer: {
              ...(firstName ? { firstName } : {}),
              ...(email ? { email } : {}),
              timezone,
              ...(tier === 'high' || tier === 'mid' || tier === 'low' ? { valueTier: tier } : {}),
              consent: { email: consent, sms: consent, push: consent },
            },
          }),
    };
    preview.mutate(request, { onSuccess: (answer) => onResult(answer), onError: () => onResult(undefined) });
  }

  return (
    <aside className="drawer test-journey" aria-label="Test journey" data-testid="test-journey">
      <div className="drawer-header">
        <div className="panel-title">Test journey</div>
        <button type="button" className="icon-button" aria-label="Close test journey" onClick={onClose}>
          <X size={16} />
        </button>
      </div>
      <form className="test-journey-form" onSubmit={onSubmit}>
        <fieldset>
          <legend>Customer</legend>
          <label>
            <input type="radio" name="who" checked={who === 'stored'} onChange={() => setWho('stored')} /> A
            customer
          </label>
          <label>
            <input
              type="radio"
              name="who"
              checked={who === 'described'}
              onChange={() => setWho('described')}
            />{' '}
            Describe one
          </label>
          {who === 'stored' ? (
            <label className="field">
              Customer id
              <input
                value={externalId}
                onChange={(e) => setExternalId(e.target.value)}
                placeholder="cust_123"
                list="test-journey-customers"
              />
              <datalist id="test-journey-customers">
                {(matches.data?.customers ?? []).map((c) => (
                  <option key={c.id} value={c.externalId}>
                    {[c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.externalId}
                  </option>
                ))}
              </datalist>
            </label>
          ) : (
            <>
              <label className="field">
                First name
                <input value={firstName} onChange={(e) => setFirstName(e.target.value)} />
              </label>
              <label className="field">
                Email
                <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
              </label>
              <label className="field">
                Time zone
                <input value={timezone} onChange={(e) => setTimezone(e.target.value)} />
              </label>
              <label className="field">
                Value tier
                <select value={tier} onChange={(e) => setTier(e.target.value)}>
                  <option value="">—</option>
                  <option value="high">High</option>
                  <option value="mid">Mid</option>
                  <option value="low">Low</option>
                </select>
              </label>
              <label>
                <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />{' '}
                Consents to marketing
              </label>
            </>
          )}
        </fieldset>
        <label className="field">
          What they do (one a line, e.g. “login on day 3”; empty: nothing)
          <textarea rows={3} value={script} onChange={(e) => setScript(e.target.value)} />
        </label>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        {preview.error ? (
          <p className="field-error" role="alert">
            {preview.error.message}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" disabled={preview.isPending}>
          {preview.isPending ? 'Running…' : 'Run preview'}
        </button>
      </form>
      {result ? <PreviewResult preview={result} stepTitle={stepTitle} /> : null}
    </aside>
  );
}

function PreviewResult({ preview, stepTitle }: { preview: JourneyPreview; stepTitle(id: string): string }) {
  const ending =
    preview.status === 'completed'
      ? `Ends “${preview.outcome ?? ''}”${preview.endedAt ? ` on ${formatShortTime(preview.endedAt)}` : ''}`
      : preview.status === 'failed'
        ? `Fails: ${preview.reason ?? ''}`
        : 'Never ends (waits with no timeout)';
  return (
    <div className="test-journey-result" data-testid="preview-result">
      <p>
        <strong>{preview.customer.name ?? preview.customer.externalId}</strong> ({preview.customer.timezone})
        {preview.holdout ? ', in the control group' : ''}. {ending}. Nothing was sent.
      </p>
      <ol className="preview-steps">
        {preview.steps.map((step) => (
          <li key={step.seq} data-testid="preview-step">
            <time dateTime={step.at}>{formatShortTime(step.at)}</time> {stepTitle(step.stepId)}
            {step.outcome ? <span className="muted"> → {step.outcome}</span> : null}
            {step.notes.map((n) => (
              <div key={n} className="muted">
                {n}
              </div>
            ))}
          </li>
        ))}
      </ol>
      {preview.messages.length ? <h3>Messages</h3> : null}
      {preview.messages.map((m, i) => (
        <div key={i} className="preview-message" data-testid="preview-message">
          <div>
            <time dateTime={m.at}>{formatShortTime(m.at)}</time> {m.channel} “{m.templateName ?? m.templateId}
            ”: <strong>{m.decision}</strong>
          </div>
          <div className="muted">
            {m.checks.map((c) => `${c.rule.replace('_', ' ')} ${c.verdict}`).join(' · ')}
          </div>
          {m.rendered ? (
            <blockquote>
              {m.rendered.subject ? <div className="preview-subject">{m.rendered.subject}</div> : null}
              <div className="preview-text">{m.rendered.text}</div>
            </blockquote>
          ) : null}
        </div>
      ))}
    </div>
  );
}
