/**
 * One customer: profile fields and traits, derived facts (dormancy stage, value tier, RFM, last activity, rolling
 * windows), the journeys they are in, and a timeline of their events and messages.
 */
import { ArrowLeft } from 'lucide-react';
import { useCustomerProfile, type CustomerProfile, type TimelineItem } from '../../api/audience';
import { StepName } from '../../components/StepName';
import { hrefFor } from '../../router';
import { messagesHref } from '../messages/routes';
import { customerName } from './common';
import { ErrorText } from '../../ui/ErrorText';
import { SectionPage } from '../../ui/SectionPage';
import { daysAgo, formatDate, formatDateTime } from '../../ui/format';
import { stageLabels, tierLabels } from './condition-tree';
import { audienceHref, audienceTabs } from './routes';

export function CustomerProfilePage({ id }: { id: string }) {
  const profile = useCustomerProfile(id);
  const c = profile.data;
  return (
    <SectionPage title="Audience" tabs={audienceTabs({ page: 'customer', id })}>
      <a className="back-link" href={audienceHref({ page: 'customers' })}>
        <ArrowLeft size={14} /> All customers
      </a>
      {profile.isPending ? <div className="page-message">Loading customer…</div> : null}
      <ErrorText error={profile.error} what="load this customer" />
      {c ? <Profile c={c} /> : null}
    </SectionPage>
  );
}

function Profile({ c }: { c: CustomerProfile }) {
  const f = c.facts;
  return (
    <div className="profile" data-testid="customer-profile">
      <div className="profile-head">
        <div className="avatar" aria-hidden>
          {customerName(c).slice(0, 1).toUpperCase()}
        </div>
        <div>
          <h2>{customerName(c)}</h2>
          <div className="muted">
            {c.externalId}
            {c.email ? ` · ${c.email}` : ''}
            {c.phone ? ` · ${c.phone}` : ''}
          </div>
        </div>
        <div className="profile-badges">
          <span className={`pill stage-${f.dormancyStage}`}>
            {stageLabels[f.dormancyStage] ?? f.dormancyStage}
          </span>
          <span className={`pill tier-${f.valueTier ?? 'unscored'}`}>
            {tierLabels[f.valueTier ?? 'unscored']}
          </span>
        </div>
      </div>

      <div className="stat-row">
        <Stat
          label="Last activity"
          value={daysAgo(f.lastActivityAt)}
          hint={formatDateTime(f.lastActivityAt)}
        />
        <Stat label="Last login" value={daysAgo(f.lastLoginAt)} hint={formatDateTime(f.lastLoginAt)} />
        <Stat
          label="Last purchase"
          value={daysAgo(f.lastPurchaseAt)}
          hint={formatDateTime(f.lastPurchaseAt)}
        />
        <Stat
          label="Purchases"
          value={f.purchaseCount.toLocaleString()}
          hint={`${f.totalSpend.toLocaleString()} spent`}
        />
        <Stat
          label="RFM"
          value={f.rfm ? `${f.rfm.recency}·${f.rfm.frequency}·${f.rfm.monetary}` : '—'}
          hint={
            f.rfm
              ? `R·F·M, total ${f.rfm.recency + f.rfm.frequency + f.rfm.monetary} of 15`
              : 'No purchase scored yet'
          }
        />
      </div>

      <div className="profile-grid">
        <div className="profile-col">
          <section className="aud-card">
            <h3>Profile</h3>
            <dl className="kv">
              <dt>Time zone</dt>
              <dd>{c.timezone}</dd>
              <dt>Birthday</dt>
              <dd>{c.birthday ?? '—'}</dd>
              <dt>Signed up</dt>
              <dd>{formatDate(c.signedUpAt)}</dd>
              <dt>Consent</dt>
              <dd>
                {(['email', 'sms', 'push'] as const).map((ch) => (
                  <span
                    key={ch}
                    className={`pill ${c.consent[ch] === true ? 'pill-ok' : c.consent[ch] === false ? 'pill-bad' : ''}`}
                  >
                    {ch} {c.consent[ch] === true ? 'yes' : c.consent[ch] === false ? 'no' : 'not asked'}
                  </span>
                ))}
              </dd>
              <dt>Tags</dt>
              <dd>
                {c.tags.length ? (
                  c.tags.map((t) => (
                    <span key={t} className="pill">
                      {t}
                    </span>
                  ))
                ) : (
                  <span className="muted">none</span>
                )}
              </dd>
            </dl>
          </section>
          <section className="aud-card">
            <h3>Traits</h3>
            {Object.keys(c.traits).length === 0 ? (
              <p className="muted">No traits.</p>
            ) : (
              <dl className="kv" aria-label="Traits">
                {Object.entries(c.traits).map(([k, v]) => (
                  <div key={k} className="kv-pair">
                    <dt>{k}</dt>
                    <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
          <section className="aud-card">
            <h3>Activity windows</h3>
            <table className="data-table compact" aria-label="Activity windows">
              <thead>
                <tr>
                  <th>Last</th>
                  <th>Logins</th>
                  <th>Active days</th>
                  <th>Purchases</th>
                  <th>Spend</th>
                </tr>
              </thead>
              <tbody>
                {f.windows.map((w) => (
                  <tr key={w.days}>
                    <td>{w.days} days</td>
                    <td>{w.logins}</td>
                    <td>{w.activeDays}</td>
                    <td>{w.purchases}</td>
                    <td>{w.spend.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
        <div className="profile-col">
          <section className="aud-card">
            <h3>Journeys</h3>
            {c.journeys.length === 0 ? (
              <p className="muted">Not in any journey yet.</p>
            ) : (
              <table className="data-table compact" aria-label="Journeys">
                <thead>
                  <tr>
                    <th>Journey</th>
                    <th>Status</th>
                    <th>Entered</th>
                  </tr>
                </thead>
                <tbody>
                  {c.journeys.map((j) => (
                    <tr key={j.runId}>
                      <td>
                        <a href={hrefFor({ page: 'version', journeyId: j.journeyId, version: j.version })}>
                          {j.journeyName}
                        </a>
                        <div className="muted small">
                          version {j.version}
                          {j.entry > 1 ? ` · entry ${j.entry}` : ''}
                          {j.currentNodeId && !j.endedAt ? (
                            <>
                              {' · at '}
                              <StepName
                                journeyId={j.journeyId}
                                version={j.version}
                                nodeId={j.currentNodeId}
                              />
                            </>
                          ) : null}
                        </div>
                      </td>
                      <td>
                        <span className={`pill run-${j.status}`}>
                          {j.outcome ? `${j.status}: ${j.outcome}` : j.status}
                        </span>
                      </td>
                      <td>{formatDate(j.startedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="aud-card">
            <div className="aud-card-head">
              <h3>Timeline</h3>
              <a className="small" href={messagesHref({ page: 'log', filters: { customerId: c.id } })}>
                All messages
              </a>
            </div>
            {c.timeline.length === 0 ? (
              <p className="muted">No events or messages yet.</p>
            ) : (
              <Timeline items={c.timeline} />
            )}
          </section>
        </div>
      </div>
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

function describeProperties(properties: Record<string, unknown>): string {
  return Object.entries(properties)
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

function Timeline({ items }: { items: TimelineItem[] }) {
  return (
    <ol className="activity-timeline" aria-label="Timeline">
      {items.map((item) =>
        item.kind === 'event' ? (
          <li key={`e-${item.eventId}`} className="activity-item">
            <span className="activity-dot dot-event" aria-hidden />
            <div>
              <b>{item.name}</b> <span className="muted small">{formatDateTime(item.at)}</span>
              {Object.keys(item.properties).length ? (
                <div className="muted small">{describeProperties(item.properties)}</div>
              ) : null}
            </div>
          </li>
        ) : (
          <li key={`m-${item.messageId}`} className="activity-item">
            <span className="activity-dot dot-message" aria-hidden />
            <div>
              <b>
                {item.channel} message{' '}
                {item.subject ? `“${item.subject}”` : item.templateId ? `(${item.templateId})` : ''}
              </b>{' '}
              <span className={`pill msg-status-${item.status}`}>{item.status}</span>{' '}
              <span className="muted small">{formatDateTime(item.at)}</span>
            </div>
          </li>
        ),
      )}
    </ol>
  );
}
