/** A section's page: its title, optional actions beside it, and the tabs of its pages. */
import type { ReactNode } from 'react';
import '../sections/sections.css';

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
