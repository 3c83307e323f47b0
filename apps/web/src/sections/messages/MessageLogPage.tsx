/**
 * The message log: what was sent, skipped or failed and why, filtered by customer, journey, status and channel.
 * Filters live in the hash (`#/messages/log?customerId=…`), so a customer's or a journey's log is a link.
 */
import { useState } from 'react';
import { describeMessageReason } from '@wakeflow/contracts';
import { useJourneys } from '../../api/journeys';
import { messageChannels, messageStatuses, useMessageLog, type MessageLogFilters } from '../../api/messages';
import { hrefFor } from '../../router';
import { audienceHref } from '../audience/routes';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { formatDateTime } from '../../ui/format';
import { messagesHref, messagesTabs } from './routes';

/** The reason's words, from the contract (the same words the launch estimate and preview use). */
export const describeReason = describeMessageReason;

export function MessageLogPage({ filters }: { filters: MessageLogFilters }) {
  const log = useMessageLog(filters);
  const journeys = useJourneys();
  const [customer, setCustomer] = useState(filters.customerId ?? '');
  const go = (next: MessageLogFilters) => {
    window.location.hash = messagesHref({ page: 'log', filters: next });
  };
  const journeyName = (id: string | null) =>
    id ? (journeys.data?.find((j) => j.id === id)?.name ?? id.slice(0, 8)) : null;
  const filtered = Object.values(filters).some(Boolean);
  return (
    <SectionPage title="Messages" tabs={messagesTabs({ page: 'log', filters })}>
      <form
        className="log-filters"
        aria-label="Filter messages"
        onSubmit={(e) => {
          e.preventDefault();
          const { customerId: _c, ...rest } = filters;
          go(customer.trim() ? { ...rest, customerId: customer.trim() } : rest);
        }}
      >
        <input
          aria-label="Customer id"
          placeholder="Customer id (from the profile)"
          value={customer}
          onChange={(e) => setCustomer(e.target.value)}
        />
        <select
          aria-label="Journey"
          value={filters.journeyId ?? ''}
          onChange={(e) => {
            const { journeyId: _j, ...rest } = filters;
            go(e.target.value ? { ...rest, journeyId: e.target.value } : rest);
          }}
        >
          <option value="">All journeys</option>
          {(journeys.data ?? []).map((j) => (
            <option key={j.id} value={j.id}>
              {j.name}
            </option>
          ))}
        </select>
        <select
          aria-label="Status"
          value={filters.status ?? ''}
          onChange={(e) => {
            const { status: _s, ...rest } = filters;
            go(e.target.value ? { ...rest, status: e.target.value as MessageLogFilters['status'] } : rest);
          }}
        >
          <option value="">Any status</option>
          {messageStatuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select
          aria-label="Channel"
          value={filters.channel ?? ''}
          onChange={(e) => {
            const { channel: _c, ...rest } = filters;
            go(e.target.value ? { ...rest, channel: e.target.value as MessageLogFilters['channel'] } : rest);
          }}
        >
          <option value="">Any channel</option>
          {messageChannels.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <button type="submit" className="button">
          Apply
        </button>
        {filtered ? (
          <a
            className="button button-quiet"
            href={messagesHref({ page: 'log', filters: {} })}
            onClick={() => setCustomer('')}
          >
            Clear filters
          </a>
        ) : null}
      </form>
      <ErrorText error={log.error} what="load the message log" />
      {log.data && log.data.length === 0 ? (
        <div className="empty-state">
          {filtered
            ? 'No messages match these filters.'
            : 'No messages yet. They appear here as journeys send, skip or fail them.'}
        </div>
      ) : null}
      {log.data?.length ? (
        <table className="data-table" aria-label="Messages">
          <thead>
            <tr>
              <th>When</th>
              <th>Channel</th>
              <th>Message</th>
              <th>To</th>
              <th>Status</th>
              <th>Journey</th>
            </tr>
          </thead>
          <tbody>
            {log.data.map((m) => (
              <tr key={m.id}>
                <td>{formatDateTime(m.createdAt)}</td>
                <td>
                  <span className={`pill channel-${m.channel}`}>{m.channel}</span>
                </td>
                <td>
                  {m.subject ? <b>{m.subject}</b> : null}
                  {m.body ? <div className="muted small clamp">{m.body}</div> : null}
                  {m.templateId ? (
                    <div className="muted small">
                      template <code>{m.templateId}</code>
                    </div>
                  ) : null}
                </td>
                <td>
                  {m.recipient ?? <span className="muted">—</span>}
                  {m.customerId ? (
                    <div className="small">
                      <a href={audienceHref({ page: 'customer', id: m.customerId })}>profile</a>
                    </div>
                  ) : null}
                </td>
                <td>
                  <span className={`pill msg-status-${m.status}`}>{m.status}</span>
                  {m.isTest ? (
                    <span className="pill msg-test" title="A test send: not counted in results or caps">
                      test
                    </span>
                  ) : null}
                  {m.reason ? <div className="small muted">{describeReason(m.reason)}</div> : null}
                  {m.deferredUntil && m.status === 'pending' ? (
                    <div className="small muted">waiting until {formatDateTime(m.deferredUntil)}</div>
                  ) : null}
                  {m.provider ? (
                    <div className="small muted">
                      via {m.provider === 'log' ? 'development log (not delivered)' : m.provider}
                    </div>
                  ) : null}
                </td>
                <td>
                  {m.journeyId ? (
                    <a href={hrefFor({ page: 'editor', journeyId: m.journeyId })}>
                      {journeyName(m.journeyId)}
                    </a>
                  ) : (
                    <span className="muted">—</span>
                  )}
                  {m.nodeId ? <div className="small muted">step {m.nodeId}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </SectionPage>
  );
}
