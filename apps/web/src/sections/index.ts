/** Every section of the app, in nav order. Add yours here. */
import type { Section } from './section';
import { audienceSection } from './audience';
import { messagesSection } from './messages';
import { resultsSection, reviewSection } from './review/section';
import { peopleSection } from './people/section';

export const sections: Section[] = [
  audienceSection,
  messagesSection,
  reviewSection,
  resultsSection,
  peopleSection,
];
