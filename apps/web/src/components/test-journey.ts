/**
 * The "Test journey" panel's pure parts: the script a manager types ("login on day 3", one event a line) read into
 * the preview request's timeline, and a preview's steps as the run steps the review canvas draws (run-path.ts), so
 * the path is drawn with the same highlighting and time badges as a real run's. The path itself comes from the
 * journey machine on the server: nothing here decides where a customer goes.
 */
import type { JourneyPreview, RunStep, ScriptedEvent } from '@wakeflow/contracts';

export type ScriptLine = { ok: true; event: ScriptedEvent | null } | { ok: false; message: string };

const LINE = /^\s*([A-Za-z_][\w.:-]*)\s+(?:on\s+)?day\s+(\d+(?:\.\d+)?)\s*$/i;

/** One line: `login on day 3`, `purchase day 2.5`; blank lines and `nothing` say the customer does nothing. */
export function readScriptLine(line: string): ScriptLine {
  const text = line.trim();
  if (text === '' || /^nothing$/i.test(text)) return { ok: true, event: null };
  const match = LINE.exec(text);
  if (!match) return { ok: false, message: `“${text}”: write an event and a day, e.g. “login on day 3”` };
  const day = Number(match[2]);
  if (day > 366) return { ok: false, message: `“${text}”: at most day 366` };
  return { ok: true, event: { event: match[1]!, day, properties: {} } };
}

/** The whole script, or the first line that does not read (with its number). */
export function readScript(
  script: string,
): { ok: true; timeline: ScriptedEvent[] } | { ok: false; message: string } {
  const timeline: ScriptedEvent[] = [];
  const lines = script.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const read = readScriptLine(line);
    if (!read.ok) return { ok: false, message: `Line ${i + 1}: ${read.message}` };
    if (read.event) timeline.push(read.event);
  }
  return { ok: true, timeline };
}

/** The preview's path as run steps: each step left when the next one began. */
export function previewRunSteps(preview: Pick<JourneyPreview, 'steps'>): RunStep[] {
  return preview.steps.map((step, i) => ({
    nodeId: step.stepId,
    seq: step.seq,
    enteredAt: step.at,
    leftAt: preview.steps[i + 1]?.at ?? null,
    outcome: step.outcome ?? null,
  }));
}
