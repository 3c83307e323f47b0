/**
 * Message templates: the list, and the editor — channel, subject, text and HTML in Liquid — with a live preview
 * for a chosen customer and problems shown under the field they are in, with line, column and a caret.
 */
import { useMemo, useRef, useState } from 'react';
import { ArrowLeft, Plus } from 'lucide-react';
import { useCustomerSearch } from '../../api/audience';
import {
  TemplateProblemsError,
  templateChannels,
  useDeleteTemplate,
  useSaveTemplate,
  useTemplate,
  useTemplateList,
  useTemplatePreview,
  useTemplateValidation,
  type TemplateChannel,
  type TemplateDraft,
  type TemplateProblem,
  type TemplateView,
} from '../../api/messages';
import { ApiError } from '../../api/client';
import { customerName } from '../audience/common';
import { DeleteButton } from '../../ui/DeleteButton';
import { DeleteRefused } from '../../ui/DeleteRefused';
import { ErrorText } from '../../ui/ErrorText';
import { ListTable } from '../../ui/ListTable';
import { SectionPage } from '../../ui/SectionPage';
import { formatDateTime } from '../../ui/format';
import { useDebounced } from '../../ui/useDebounced';
import { messagesHref, messagesTabs } from './routes';
import { describePosition, excerptAt, offsetOf, problemsFor } from './template-problems';

const channelLabels: Record<string, string> = {
  email: 'Email',
  sms: 'SMS',
  push: 'Push',
  webhook: 'Webhook',
};

export function TemplatesPage() {
  const templates = useTemplateList();
  return (
    <SectionPage
      title="Messages"
      tabs={messagesTabs({ page: 'templates' })}
      actions={
        <a className="button button-primary" href={messagesHref({ page: 'template', id: null })}>
          <Plus size={14} /> New template
        </a>
      }
    >
      <ListTable
        label="Templates"
        rows={templates.data}
        error={templates.error}
        empty={{
          title: 'No templates yet.',
          text: "Templates are the emails, SMS and push messages a journey's send steps use, written in Liquid.",
          href: messagesHref({ page: 'template', id: null }),
          action: 'Write your first template',
        }}
        columns={[
          {
            label: 'Name',
            cell: (t) => (
              <>
                <a href={messagesHref({ page: 'template', id: t.id })}>{t.name}</a>
                <div className="muted small">
                  <code>{t.id}</code>
                  {t.subject ? ` · ${t.subject}` : ''}
                </div>
              </>
            ),
          },
          {
            label: 'Channel',
            cell: (t) => <span className={`pill channel-${t.channel}`}>{channelLabels[t.channel]}</span>,
          },
          { label: 'Category', cell: (t) => t.category, className: 'capitalize' },
          { label: 'Last changed', cell: (t) => formatDateTime(t.updatedAt) },
        ]}
      />
    </SectionPage>
  );
}

export function TemplateEditorPage({ id }: { id: string | null }) {
  const template = useTemplate(id ?? undefined);
  return (
    <SectionPage title="Messages" tabs={messagesTabs({ page: 'template', id })}>
      <a className="back-link" href={messagesHref({ page: 'templates' })}>
        <ArrowLeft size={14} /> All templates
      </a>
      <ErrorText error={template.error} what="load this template" />
      {id && !template.data ? (
        template.isPending ? (
          <div className="page-message">Loading template…</div>
        ) : null
      ) : (
        <TemplateEditor key={id ?? 'new'} existing={template.data ?? null} />
      )}
    </SectionPage>
  );
}

interface FormState {
  id: string;
  name: string;
  channel: TemplateChannel;
  category: 'marketing' | 'transactional';
  subject: string;
  body: string;
  html: string;
}

function initialState(t: TemplateView | null): FormState {
  return t
    ? {
        id: t.id,
        name: t.name,
        channel: t.channel,
        category: t.category,
        subject: t.subject ?? '',
        body: t.body,
        html: t.html ?? '',
      }
    : {
        id: '',
        name: '',
        channel: 'email',
        category: 'marketing',
        subject: 'We miss you, {{ customer.first_name | default: "there" }}',
        body: 'Hi {{ customer.first_name | default: "there" }},\n\nIt has been {{ customer.days_inactive }} days. Here is a gift to welcome you back.\n\nUnsubscribe: {{ unsubscribe_url }}',
        html: '',
      };
}

function draftOf(s: FormState): TemplateDraft {
  return {
    channel: s.channel,
    subject: s.channel === 'sms' ? null : s.subject || null,
    body: s.body,
    html: s.channel === 'email' && s.html.trim() ? s.html : null,
  };
}

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

export function TemplateEditor({ existing }: { existing: TemplateView | null }) {
  const [state, setState] = useState<FormState>(() => initialState(existing));
  const [idTouched, setIdTouched] = useState(false);
  const [customer, setCustomer] = useState<string>('');
  const [saved, setSaved] = useState(false);
  const save = useSaveTemplate(existing !== null);
  const remove = useDeleteTemplate();
  const draft = useMemo(() => draftOf(state), [state]);
  const settled = useDebounced(draft, 350);
  const validation = useTemplateValidation(settled);
  const preview = useTemplatePreview(settled, customer || null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const htmlRef = useRef<HTMLTextAreaElement>(null);
  const fields = { subject: subjectRef, body: bodyRef, html: htmlRef };

  const saveProblems = save.error instanceof TemplateProblemsError ? save.error.problems : null;
  // Problems of the last save attempt until the next edit, then the live check's.
  const problems: TemplateProblem[] = saveProblems ?? validation.data?.problems ?? [];
  const fieldIssues = save.error instanceof ApiError ? save.error.issues : [];
  const issueFor = (name: string) => fieldIssues.find((i) => i.path === `body.${name}`)?.message;

  const update = (patch: Partial<FormState>) => {
    setSaved(false);
    // Once the text changes, the live check takes over from the problems the last save attempt found.
    if (save.isError) save.reset();
    setState((s) => {
      const next = { ...s, ...patch };
      if (!existing && !idTouched && patch.name !== undefined) next.id = slugOf(patch.name);
      return next;
    });
  };

  const jumpTo = (p: TemplateProblem) => {
    const el = fields[p.field as keyof typeof fields]?.current;
    if (!el) return;
    el.focus();
    const text = el.value;
    const at = offsetOf(text, p.line, p.column);
    el.setSelectionRange(at, at + 1);
  };

  const submit = async () => {
    const result = await save
      .mutateAsync({ ...draft, id: state.id.trim(), name: state.name.trim(), category: state.category })
      .catch((error: unknown) => {
        if (error instanceof TemplateProblemsError && error.problems[0]) jumpTo(error.problems[0]);
        return null;
      });
    if (!result) return;
    setSaved(true);
    if (!existing) window.location.hash = messagesHref({ page: 'template', id: result.id });
  };

  return (
    <div className="builder">
      <div className="builder-main">
        <div className="fields-grid">
          <div className="field">
            <label className="field-label" htmlFor="template-name">
              Name
            </label>
            <input
              id="template-name"
              value={state.name}
              placeholder="e.g. Return gift email"
              onChange={(e) => update({ name: e.target.value })}
            />
            {issueFor('name') ? <div className="field-error">{issueFor('name')}</div> : null}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="template-id">
              Id
            </label>
            <input
              id="template-id"
              value={state.id}
              disabled={existing !== null}
              onChange={(e) => {
                setIdTouched(true);
                update({ id: e.target.value });
              }}
            />
            <div className="field-hint">Journeys refer to the template by this id.</div>
            {issueFor('id') ? <div className="field-error">{issueFor('id')}</div> : null}
          </div>
          <div className="field">
            <label className="field-label" htmlFor="template-channel">
              Channel
            </label>
            <select
              id="template-channel"
              value={state.channel}
              disabled={existing !== null}
              onChange={(e) => update({ channel: e.target.value as TemplateChannel })}
            >
              {templateChannels.map((c) => (
                <option key={c} value={c}>
                  {channelLabels[c]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="template-category">
              Category
            </label>
            <select
              id="template-category"
              value={state.category}
              onChange={(e) => update({ category: e.target.value as FormState['category'] })}
            >
              <option value="marketing">Marketing (needs consent, counts against caps)</option>
              <option value="transactional">Transactional</option>
            </select>
          </div>
        </div>
        {state.channel !== 'sms' ? (
          <div className="field">
            <label className="field-label" htmlFor="template-subject">
              {state.channel === 'email' ? 'Subject' : 'Title'}
            </label>
            <input
              id="template-subject"
              ref={subjectRef}
              className="mono"
              value={state.subject}
              onChange={(e) => update({ subject: e.target.value })}
            />
            {issueFor('subject') ? <div className="field-error">{issueFor('subject')}</div> : null}
            <FieldProblems problems={problemsFor(problems, 'subject')} text={state.subject} onJump={jumpTo} />
          </div>
        ) : null}
        <div className="field">
          <label className="field-label" htmlFor="template-body">
            {state.channel === 'email' ? 'Text part' : 'Message'}
          </label>
          <textarea
            id="template-body"
            ref={bodyRef}
            className="code-area"
            rows={state.channel === 'email' ? 8 : 5}
            value={state.body}
            onChange={(e) => update({ body: e.target.value })}
          />
          <div className="field-hint">
            {state.channel === 'sms' ? `${state.body.length} characters. ` : ''}Liquid:{' '}
            <code>{'{{ customer.first_name }}'}</code>, <code>{'{{ steps.offer.code }}'}</code>,{' '}
            <code>{'{{ entry.amount | money }}'}</code>, <code>{'| default: "…"'}</code>
          </div>
          {issueFor('body') ? <div className="field-error">{issueFor('body')}</div> : null}
          <FieldProblems problems={problemsFor(problems, 'body')} text={state.body} onJump={jumpTo} />
        </div>
        {state.channel === 'email' ? (
          <div className="field">
            <label className="field-label" htmlFor="template-html">
              HTML part (optional)
            </label>
            <textarea
              id="template-html"
              ref={htmlRef}
              className="code-area"
              rows={8}
              value={state.html}
              onChange={(e) => update({ html: e.target.value })}
            />
            <FieldProblems problems={problemsFor(problems, 'html')} text={state.html} onJump={jumpTo} />
          </div>
        ) : null}
        <div className="builder-footer">
          <button
            type="button"
            className="button button-primary"
            disabled={save.isPending || !state.name.trim() || !state.id.trim()}
            onClick={() => void submit()}
          >
            {existing ? 'Save changes' : 'Create template'}
          </button>
          {saveProblems ? (
            <span className="text-danger small" role="alert">
              Not saved: {saveProblems.length} problem{saveProblems.length === 1 ? '' : 's'} in the template,
              marked above.
            </span>
          ) : null}
          {save.error && !saveProblems ? (
            <span className="text-danger small">Could not save: {save.error.message}</span>
          ) : null}
          {saved && !save.error ? <span className="text-ok small">Saved.</span> : null}
          {!saveProblems && validation.data && !validation.data.ok ? (
            <span className="muted small">Fix the problems marked above before saving.</span>
          ) : null}
          <span className="spacer" />
          {existing ? (
            <DeleteButton
              what={`template “${existing.name}”`}
              onDelete={(options) => remove.mutate(existing.id, options)}
              then={messagesHref({ page: 'templates' })}
            />
          ) : null}
        </div>
        <DeleteRefused error={remove.error} />
      </div>
      <aside className="builder-preview aud-card template-preview" aria-label="Preview">
        <h3>Preview</h3>
        <CustomerPicker value={customer} onChange={setCustomer} />
        {!customer ? (
          <p className="muted small">Choose a customer to see the message as they would get it.</p>
        ) : null}
        <ErrorText error={preview.error} what="render the preview" />
        {customer && preview.data ? <RenderedPreview channel={state.channel} result={preview.data} /> : null}
      </aside>
    </div>
  );
}

function FieldProblems({
  problems,
  text,
  onJump,
}: {
  problems: TemplateProblem[];
  text: string;
  onJump(p: TemplateProblem): void;
}) {
  if (!problems.length) return null;
  return (
    <ul className="template-problems" role="alert">
      {problems.map((p, i) => {
        const excerpt = excerptAt(text, p.line, p.column);
        return (
          <li key={i}>
            <button type="button" className="link-button" onClick={() => onJump(p)}>
              {describePosition(p)}
            </button>
            : {p.message}
            {excerpt ? (
              <pre className="problem-excerpt" aria-hidden>
                {excerpt.text}
                {'\n'}
                {' '.repeat(Math.max(0, excerpt.caret))}^
              </pre>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export function CustomerPicker({ value, onChange }: { value: string; onChange(id: string): void }) {
  const [q, setQ] = useState('');
  const search = useCustomerSearch(useDebounced(q.trim(), 250));
  const options = search.data?.customers ?? [];
  return (
    <div className="field">
      <label className="field-label" htmlFor="preview-customer-search">
        Preview for
      </label>
      <input
        id="preview-customer-search"
        type="search"
        placeholder="Search customers"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <select aria-label="Preview customer" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">
          {options.length ? 'Choose a customer…' : search.isFetching ? 'Searching…' : 'No customers found'}
        </option>
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {customerName(c)} ({c.externalId})
          </option>
        ))}
      </select>
    </div>
  );
}

function RenderedPreview({
  channel,
  result,
}: {
  channel: TemplateChannel;
  result: {
    rendered: { subject: string | null; text: string; html: string | null };
    problems: TemplateProblem[];
  };
}) {
  const renderProblems = result.problems.filter((p) => p.code === 'render_error');
  return (
    <div className="rendered" data-testid="template-preview">
      {renderProblems.length ? (
        <div className="callout callout-warn" role="alert">
          {renderProblems.map((p, i) => (
            <div key={i}>
              {p.field} {describePosition(p)}: {p.message}. A send for this customer would fail; add{' '}
              <code>| default: "…"</code>.
            </div>
          ))}
        </div>
      ) : null}
      {channel === 'sms' ? (
        <div className="sms-bubble">{result.rendered.text}</div>
      ) : channel === 'push' ? (
        <div className="push-card">
          <b>{result.rendered.subject}</b>
          <div>{result.rendered.text}</div>
        </div>
      ) : (
        <div className="email-card">
          <div className="email-subject">
            <span className="muted small">Subject</span> {result.rendered.subject}
          </div>
          {result.rendered.html ? (
            <iframe title="HTML preview" className="email-html" sandbox="" srcDoc={result.rendered.html} />
          ) : (
            <pre className="email-text">{result.rendered.text}</pre>
          )}
        </div>
      )}
    </div>
  );
}
