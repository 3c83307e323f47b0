/** Customers: search by external id, email, phone or name, and a table that opens each profile, 50 rows at a time. */
import { useState } from 'react';
import { Search, Upload } from 'lucide-react';
import { useCustomerPages } from '../../api/audience';
import { customerName } from './common';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { daysAgo } from '../../ui/format';
import { useDebounced } from '../../ui/useDebounced';
import { tierLabels } from './condition-tree';
import { CsvImportDialog } from './CsvImportDialog';
import { useAccess } from '../people/access';
import { audienceHref, audienceTabs } from './routes';

export function CustomersPage() {
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const search = useCustomerPages(query);
  const customers = search.data?.pages.flatMap((p) => p.customers);
  const access = useAccess();
  const [importing, setImporting] = useState(false);
  const importRefused = access.loading ? 'Loading who you are…' : access.reason('ingest');
  return (
    <SectionPage title="Audience" tabs={audienceTabs({ page: 'customers' })}>
      <div className="toolbar-row">
        <label className="search-box">
          <Search size={15} aria-hidden />
          <input
            type="search"
            aria-label="Search customers"
            placeholder="Search by id, email, phone or name"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
        {search.isFetching && !search.isFetchingNextPage ? (
          <span className="muted small">Searching…</span>
        ) : null}
        <button
          type="button"
          className="button"
          disabled={importRefused !== undefined}
          title={importRefused}
          onClick={() => setImporting(true)}
        >
          <Upload size={14} aria-hidden /> Import CSV
        </button>
      </div>
      {importing ? <CsvImportDialog onClose={() => setImporting(false)} /> : null}
      <ErrorText error={search.error} what="load customers" />
      {customers && customers.length === 0 ? (
        <div className="empty-state">
          {query ? (
            <>No customer matches “{query}”.</>
          ) : (
            <>
              No customers yet. Import a CSV file here, or send them to{' '}
              <code>PUT /api/customers/:externalId</code>.
            </>
          )}
        </div>
      ) : null}
      {customers?.length ? (
        <table className="data-table" aria-label="Customers">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Email</th>
              <th>Value tier</th>
              <th>Last activity</th>
            </tr>
          </thead>
          <tbody>
            {customers.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={audienceHref({ page: 'customer', id: c.id })}>{customerName(c)}</a>
                  <div className="muted small">{c.externalId}</div>
                </td>
                <td>{c.email ?? <span className="muted">—</span>}</td>
                <td>
                  {c.valueTier ? (
                    <span className={`pill tier-${c.valueTier}`}>
                      {tierLabels[c.valueTier] ?? c.valueTier}
                    </span>
                  ) : (
                    <span className="muted">Not scored</span>
                  )}
                </td>
                <td>{daysAgo(c.lastActivityAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {search.hasNextPage ? (
        <div className="toolbar-row">
          <span className="muted small">Showing {customers?.length} customers.</span>
          <button
            type="button"
            className="button"
            disabled={search.isFetchingNextPage}
            onClick={() => void search.fetchNextPage()}
          >
            {search.isFetchingNextPage ? 'Loading…' : 'Show 50 more'}
          </button>
        </div>
      ) : null}
    </SectionPage>
  );
}
