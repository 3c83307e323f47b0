/** Small pieces the audience and messages pages share: tabs under a page title, debouncing, dates as words. */
import { useEffect, useState, type ReactNode } from 'react';
import '../sections.css';

export interface Tab {
  label: string;
  href: string;
  active: boolean;
}

export function SectionPage({
  title,
  tabs,
  actions,
  children,
}: {
  title: string;
  tabs?: Tab[];
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="section-page">
      <div className="section-inner">
        <div className="section-header">
          <h1>{title}</h1>
          {actions ? <div className="section-actions">{actions}</div> : null}
        </div>
        {tabs ? (
          <nav className="section-tabs" aria-label={`${title} pages`}>
            {tabs.map((t) => (
              <a
                key={t.href}
                href={t.href}
                aria-current={t.active ? 'page' : undefined}
                className={t.active ? 'section-tab section-tab-on' : 'section-tab'}
              >
                {t.label}
              </a>
            ))}
          </nav>
        ) : null}
        {children}
      </div>
    </div>
  );
}

/** The value, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime())
    ? value
    : d.toLocaleString(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime())
    ? value
    : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "12 days ago", "today", "never". */
export function daysAgo(value: string | null | undefined, now: Date = new Date()): string {
  if (!value) return 'never';
  const days = Math.floor((now.getTime() - new Date(value).getTime()) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days.toLocaleString()} days ago`;
}

export function customerName(c: {
  firstName: string | null;
  lastName: string | null;
  externalId: string;
}): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return name || c.externalId;
}

export function ErrorText({ error, what }: { error: Error | null; what: string }) {
  if (!error) return null;
  return (
    <div className="callout callout-error" role="alert">
      Could not {what}: {error.message}
    </div>
  );
}
