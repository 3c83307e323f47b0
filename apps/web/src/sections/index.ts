/** Every section of the app, in nav order. Add yours here. */
import type { Section } from './section';

export const sections: Section[] = [];
