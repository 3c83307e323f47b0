/**
 * axe-core in the page under test: its source is evaluated through the DevTools protocol (a script tag would be
 * refused by the app's Content-Security-Policy), then `axe.run` checks the document as it stands.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** A few of the offending elements, as selectors with what axe says about each. */
  nodes: string[];
}

interface AxeRunResult {
  violations: {
    id: string;
    impact?: string | null;
    help: string;
    nodes: { target: unknown[]; failureSummary?: string }[];
  }[];
}

/** The serious and critical violations on the page now (what the browser tests require to be none). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe;
    return JSON.stringify(await axe.run(document, { resultTypes: ['violations'] }));
  });
  const { violations } = JSON.parse(result) as AxeRunResult;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`),
    }));
}
