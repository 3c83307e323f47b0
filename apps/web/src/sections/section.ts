/**
 * A section of the app beyond the journey editor (customers, messages, results, people…): its nav entry and the
 * pages it renders for hash paths under its prefix. Sections register in ./index.ts; the shell needs no change.
 */
import type { ReactNode } from 'react';

export interface Section {
  id: string;
  /** Nav label; sections without one are reachable by link only. */
  label?: string;
  /** Hash path the nav entry opens, e.g. `/customers`. */
  path: string;
  /** The page for a hash path (without `#`), or null when the path is not this section's. */
  render(path: string): ReactNode | null;
}
