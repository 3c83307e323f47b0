/**
 * Where a template problem sits: the line's text with a caret under the column, and the character offset so the
 * editor can put the cursor on it. Lines and columns are 1-based, as the API reports them.
 */
import type { TemplateProblem } from '../../api/messages';

export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  const l = Math.min(Math.max(line, 1), lines.length);
  let offset = 0;
  for (let i = 0; i < l - 1; i++) offset += lines[i]!.length + 1;
  return offset + Math.min(Math.max(column - 1, 0), lines[l - 1]!.length);
}

export function excerptAt(
  text: string,
  line: number,
  column: number,
): { text: string; caret: number } | null {
  const lines = text.split('\n');
  const at = lines[line - 1];
  if (at === undefined) return null;
  // Long lines (HTML) are cut around the column so the caret stays in view.
  const start = Math.max(0, column - 1 - 40);
  const cut = at.slice(start, start + 100);
  return { text: (start > 0 ? '…' : '') + cut, caret: column - 1 - start + (start > 0 ? 1 : 0) };
}

export function problemsFor(problems: readonly TemplateProblem[], field: string): TemplateProblem[] {
  return problems.filter((p) => p.field === field).sort((a, b) => a.line - b.line || a.column - b.column);
}

export function describePosition(p: Pick<TemplateProblem, 'line' | 'column'>): string {
  return `line ${p.line}, column ${p.column}`;
}
