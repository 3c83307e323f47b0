/** The audience section: customers and their profiles, the segment builder, the dormancy overview (issue 4) and the fact definitions. */
import type { Section } from '../section';
import { ChurnModelPage } from './ChurnModelPage';
import { CustomerProfilePage } from './CustomerProfilePage';
import { CustomersPage } from './CustomersPage';
import { DefinitionsPage } from './DefinitionsPage';
import { DormancyPage } from './DormancyPage';
import { SegmentBuilderPage, SegmentsPage } from './SegmentsPage';
import { AUDIENCE_PATH, parseAudiencePath } from './routes';

export const audienceSection: Section = {
  id: 'audience',
  label: 'Audience',
  path: AUDIENCE_PATH,
  render(path) {
    const route = parseAudiencePath(path);
    if (!route) return null;
    switch (route.page) {
      case 'customers':
        return <CustomersPage />;
      case 'customer':
        return <CustomerProfilePage key={route.id} id={route.id} />;
      case 'segments':
        return <SegmentsPage />;
      case 'segment':
        return <SegmentBuilderPage key={route.id ?? 'new'} id={route.id} />;
      case 'dormancy':
        return <DormancyPage />;
      case 'churn':
        return <ChurnModelPage />;
      case 'definitions':
        return <DefinitionsPage />;
    }
  },
};
