/**
 * Coupon pools (S-RE-3): the pools with their stock, a form to create one, and per pool: import codes (one per
 * line or comma separated), generate codes from the pool's pattern, and the codes with who got them.
 */
import { useState } from 'react';
import { Plus } from 'lucide-react';
import { ApiError } from '../../api/client';
import {
  useCouponCodes,
  useCouponPools,
  useGenerateCouponCodes,
  useImportCouponCodes,
  useSaveCouponPool,
  type CouponPool,
} from '../../api/messages';
import { audienceHref } from '../audience/routes';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { formatDate, formatDateTime } from '../../ui/format';
import { messagesTabs } from './routes';

/** `CNY 2000` → `CNY 20.00`. */
export function money(cents: number, currency: string): string {
  return `${currency} ${(cents / 100).toFixed(2)}`;
}

/** Codes pasted as lines, commas or spaces; blanks and repeats dropped. */
export function parseCodes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
}

export function CouponsPage() {
  const pools = useCouponPools();
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <SectionPage
      title="Messages"
      tabs={messagesTabs({ page: 'coupons' })}
      actions={
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          <Plus size={14} /> New pool
        </button>
      }
    >
      <ErrorText error={pools.error} what="load coupon pools" />
      {creating ? <NewPoolForm onDone={() => setCreating(false)} /> : null}
      {pools.data && pools.data.length === 0 && !creating ? (
        <div className="empty-state">
          <b>No coupon pools yet.</b>
          <p>
            A pool holds unique codes — imported, or generated from a pattern such as{' '}
            <code>BACK-####-??</code> — that a journey's coupon step gives out, one per customer.
          </p>
        </div>
      ) : null}
      {pools.data?.length ? (
        <table className="data-table" aria-label="Coupon pools">
          <thead>
            <tr>
              <th>Pool</th>
              <th>Value</th>
              <th>Pattern</th>
              <th className="num">Free</th>
              <th className="num">Claimed</th>
              <th className="num">Redeemed</th>
              <th>Expires</th>
            </tr>
          </thead>
          <tbody>
            {pools.data.map((p) => (
              <PoolRow
                key={p.id}
                pool={p}
                open={open === p.id}
                onToggle={() => setOpen(open === p.id ? null : p.id)}
              />
            ))}
          </tbody>
        </table>
      ) : null}
    </SectionPage>
  );
}

function PoolRow({ pool, open, onToggle }: { pool: CouponPool; open: boolean; onToggle(): void }) {
  return (
    <>
      <tr>
        <td>
          <button type="button" className="link-button" aria-expanded={open} onClick={onToggle}>
            {pool.name}
          </button>
          <div className="muted small">
            <code>{pool.id}</code>
            {pool.description ? ` · ${pool.description}` : ''}
          </div>
        </td>
        <td>
          {money(pool.valueCents, pool.currency)}
          {pool.minSpendCents ? (
            <div className="muted small">on {money(pool.minSpendCents, pool.currency)} or more</div>
          ) : null}
        </td>
        <td>
          {pool.pattern ? <code>{pool.pattern}</code> : <span className="muted">imported codes only</span>}
        </td>
        <td className="num" data-testid={`free-${pool.id}`}>
          {pool.stock.free.toLocaleString()}
        </td>
        <td className="num">{pool.stock.claimed.toLocaleString()}</td>
        <td className="num">{pool.stock.redeemed.toLocaleString()}</td>
        <td>{formatDate(pool.expiresAt)}</td>
      </tr>
      {open ? (
        <tr className="row-detail">
          <td colSpan={7}>
            <PoolDetail pool={pool} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function PoolDetail({ pool }: { pool: CouponPool }) {
  const [text, setText] = useState('');
  const [count, setCount] = useState(100);
  const [status, setStatus] = useState<'all' | 'free' | 'claimed' | 'redeemed'>('all');
  const importCodes = useImportCouponCodes(pool.id);
  const generate = useGenerateCouponCodes(pool.id);
  const codes = useCouponCodes(pool.id, status);
  const parsed = parseCodes(text);
  return (
    <div className="pool-detail">
      <div className="pool-actions">
        <div className="aud-card">
          <h4>Import codes</h4>
          <textarea
            aria-label="Codes to import"
            className="code-area"
            rows={4}
            placeholder={'One code per line\nWELCOME-0001\nWELCOME-0002'}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <div className="builder-footer">
            <button
              type="button"
              className="button"
              disabled={parsed.length === 0 || importCodes.isPending}
              onClick={() => importCodes.mutate(parsed, { onSuccess: () => setText('') })}
            >
              Import {parsed.length ? parsed.length.toLocaleString() : ''} code
              {parsed.length === 1 ? '' : 's'}
            </button>
            {importCodes.data ? (
              <span className="text-ok small">
                {importCodes.data.inserted} added
                {importCodes.data.duplicates ? `, ${importCodes.data.duplicates} already in the pool` : ''}.
              </span>
            ) : null}
          </div>
          {importCodes.error ? <IssueList error={importCodes.error} /> : null}
        </div>
        <div className="aud-card">
          <h4>Generate codes</h4>
          {pool.pattern ? (
            <>
              <p className="muted small">
                From the pattern <code>{pool.pattern}</code> (# digit, ? letter, * either). When the pool runs
                out, codes are also made on claim.
              </p>
              <div className="builder-footer">
                <input
                  aria-label="How many codes"
                  type="number"
                  className="cond-narrow"
                  min={1}
                  max={100000}
                  value={count}
                  onChange={(e) => setCount(Math.floor(Number(e.target.value) || 0))}
                />
                <button
                  type="button"
                  className="button"
                  disabled={count < 1 || generate.isPending}
                  onClick={() => generate.mutate(count)}
                >
                  Generate
                </button>
                {generate.data ? (
                  <span className="text-ok small">
                    {generate.data.inserted.toLocaleString()} codes generated.
                  </span>
                ) : null}
              </div>
              {generate.error ? <IssueList error={generate.error} /> : null}
            </>
          ) : (
            <p className="muted small">This pool has no pattern, so codes can only be imported.</p>
          )}
        </div>
      </div>
      <div className="pool-codes">
        <div className="toolbar-row">
          <h4>Codes</h4>
          <select
            aria-label="Show codes"
            value={status}
            onChange={(e) => setStatus(e.target.value as typeof status)}
            className="auto-width"
          >
            <option value="all">All</option>
            <option value="free">Free</option>
            <option value="claimed">Claimed</option>
            <option value="redeemed">Redeemed</option>
          </select>
        </div>
        <ErrorText error={codes.error} what="load codes" />
        {codes.data && codes.data.length === 0 ? <div className="muted small">No codes here yet.</div> : null}
        {codes.data?.length ? (
          <table className="data-table compact" aria-label={`Codes of ${pool.name}`}>
            <thead>
              <tr>
                <th>Code</th>
                <th>Customer</th>
                <th>Claimed</th>
                <th>Redeemed</th>
              </tr>
            </thead>
            <tbody>
              {codes.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <code>{c.code}</code>
                  </td>
                  <td>
                    {c.customerId ? (
                      <a href={audienceHref({ page: 'customer', id: c.customerId })}>profile</a>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>{formatDateTime(c.claimedAt)}</td>
                  <td>{formatDateTime(c.redeemedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {codes.data?.length === 100 ? <div className="muted small">Showing the first 100.</div> : null}
      </div>
    </div>
  );
}

function IssueList({ error }: { error: Error }) {
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div className="callout callout-error" role="alert">
      {issues.length ? (
        <ul>
          {issues.slice(0, 5).map((i) => (
            <li key={i.path}>
              {i.path
                .replace(/^body\./, '')
                .replace(/^codes\.(\d+)$/, (_m, n: string) => `code ${Number(n) + 1}`)}
              : {i.message}
            </li>
          ))}
        </ul>
      ) : (
        error.message
      )}
    </div>
  );
}

function NewPoolForm({ onDone }: { onDone(): void }) {
  const [form, setForm] = useState({
    id: '',
    name: '',
    description: '',
    value: '20',
    minSpend: '0',
    currency: 'CNY',
    pattern: '',
    expires: '',
  });
  const save = useSaveCouponPool(false);
  const issues = save.error instanceof ApiError ? save.error.issues : [];
  const issue = (name: string) => issues.find((i) => i.path === `body.${name}`)?.message;
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const submit = async () => {
    const ok = await save
      .mutateAsync({
        id: form.id.trim(),
        name: form.name.trim(),
        description: form.description,
        valueCents: Math.round(Number(form.value) * 100) || 0,
        minSpendCents: Math.round(Number(form.minSpend) * 100) || 0,
        currency: form.currency.trim().toUpperCase(),
        pattern: form.pattern.trim() || null,
        expiresAt: form.expires ? new Date(`${form.expires}T23:59:59`).toISOString() : null,
      })
      .catch(() => null);
    if (ok) onDone();
  };
  const field = (
    name: keyof typeof form,
    label: string,
    props: Record<string, unknown> = {},
    issueName: string = name,
  ) => (
    <div className="field">
      <label className="field-label" htmlFor={`pool-${name}`}>
        {label}
      </label>
      <input
        id={`pool-${name}`}
        value={form[name]}
        onChange={(e) => set({ [name]: e.target.value })}
        {...props}
      />
      {issue(issueName) ? <div className="field-error">{issue(issueName)}</div> : null}
    </div>
  );
  return (
    <form
      className="aud-card new-pool"
      aria-label="New coupon pool"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>New coupon pool</h3>
      <div className="fields-grid">
        {field('name', 'Name', { placeholder: '20 off, no minimum' })}
        {field('id', 'Id', { placeholder: 'back-20' })}
        {field('value', 'Value', { type: 'number', min: 0, step: '0.01' }, 'valueCents')}
        {field('minSpend', 'Minimum spend', { type: 'number', min: 0, step: '0.01' }, 'minSpendCents')}
        {field('currency', 'Currency', { maxLength: 3 })}
        {field('pattern', 'Pattern (optional)', { placeholder: 'BACK-####-??' })}
        {field('expires', 'Expires (optional)', { type: 'date' }, 'expiresAt')}
        {field('description', 'Description (optional)')}
      </div>
      {save.error && !issues.length ? (
        <div className="callout callout-error">Could not create the pool: {save.error.message}</div>
      ) : null}
      <div className="builder-footer">
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isPending || !form.id.trim() || !form.name.trim()}
        >
          Create pool
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
