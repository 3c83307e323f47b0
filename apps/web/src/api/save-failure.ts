/**
 * Why an autosave failed, in words for the editor's banner. Never the server's raw validation text (zod's "Too
 * small: expected string to have >=1 characters"): drafts keep whatever was typed, and what is incomplete is the
 * problems panel's job, on the field.
 */
import { ApiError, isOutage } from './client';

export function saveFailureText(error: unknown): string {
  // Outage answers are already worded ("The database is unreachable; try again in a few seconds").
  if (isOutage(error)) return error.message;
  if (error instanceof ApiError && error.status < 500)
    return 'the server could not take this draft as it is. Your changes are kept here; the problems panel says what to fix';
  return 'the server did not answer. Your changes are kept here';
}
