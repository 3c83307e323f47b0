/** The messages section: templates with live preview, delivery providers, coupon pools and the message log (issue 5). */
import type { Section } from '../section';
import { CouponsPage } from './CouponsPage';
import { MessageLogPage } from './MessageLogPage';
import { ProvidersPage } from './ProvidersPage';
import { TemplateEditorPage, TemplatesPage } from './TemplatesPage';
import { MESSAGES_PATH, parseMessagesPath } from './routes';

export const messagesSection: Section = {
  id: 'messages',
  label: 'Messages',
  path: MESSAGES_PATH,
  render(path) {
    const route = parseMessagesPath(path);
    if (!route) return null;
    switch (route.page) {
      case 'templates':
        return <TemplatesPage />;
      case 'template':
        return <TemplateEditorPage key={route.id ?? 'new'} id={route.id} />;
      case 'providers':
        return <ProvidersPage />;
      case 'coupons':
        return <CouponsPage />;
      case 'log':
        return <MessageLogPage filters={route.filters} />;
    }
  },
};
