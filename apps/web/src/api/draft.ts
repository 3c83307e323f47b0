/**
 * The draft's life on the server while the editor is open: autosave with the revision it is based on (a
 * conflict stops saving and says so; nothing is overwritten silently), and validation of the current draft.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError } from './client';
import { saveFailureText } from './save-failure';
import { fetchJourney, saveDraft, validateDraft } from './journeys';
import { validationKeys } from './keys';
import type { ApiProblem, JourneyDetail, JourneyDraft } from './types';

export type SaveStatus = 'saved' | 'pending' | 'saving' | 'conflict' | 'error';

export const AUTOSAVE_DELAY_MS = 700;
export const VALIDATE_DELAY_MS = 250;

export interface DraftAutosave {
  status: SaveStatus;
  revision: number;
  error?: string;
  /** Saves now if anything is unsaved; resolves with the revision on the server. */
  flush(): Promise<number>;
  /** After a conflict: load what the other person saved (the caller replaces its draft). */
  loadTheirs(): Promise<JourneyDetail>;
  /** After a conflict: save this draft over theirs, on purpose. */
  overwrite(): Promise<void>;
  /** The draft at this edit count is what the server has (just loaded from it): nothing to save. */
  markSynced(edits: number): void;
}

export function useDraftAutosave(
  journeyId: string,
  draft: JourneyDraft,
  edits: number,
  initialRevision: number,
): DraftAutosave {
  const [status, setStatus] = useState<SaveStatus>('saved');
  const [revision, setRevision] = useState(initialRevision);
  const [error, setError] = useState<string>();
  const latest = useRef<{
    draft: JourneyDraft;
    edits: number;
    revision: number;
    savedEdits: number;
    status: SaveStatus;
  }>({ draft, edits, revision: initialRevision, savedEdits: edits, status: 'saved' });
  // The latest-value ref: the save callback reads the newest draft without being re-created on every edit.
  /* eslint-disable react-hooks/refs */
  latest.current.draft = draft;
  latest.current.edits = edits;
  /* eslint-enable react-hooks/refs */
  const inFlight = useRef<Promise<number> | null>(null);

  const saveNow = useCallback(async (): Promise<number> => {
    const state = latest.current;
    if (state.status === 'conflict')
      throw new ApiError(409, 'draft_conflict', 'Someone else saved this journey');
    if (inFlight.current) await inFlight.current.catch(() => undefined);
    if (state.savedEdits === state.edits) return state.revision;
    const editsAtSave = state.edits;
    state.status = 'saving';
    setStatus('saving');
    const run = saveDraft(journeyId, state.draft, state.revision)
      .then((r) => {
        state.revision = r.revision;
        state.savedEdits = editsAtSave;
        setRevision(r.revision);
        state.status = state.savedEdits === state.edits ? 'saved' : 'pending';
        setStatus(state.status);
        setError(undefined);
        return r.revision;
      })
      .catch((e: unknown) => {
        state.status = e instanceof ApiError && e.status === 409 ? 'conflict' : 'error';
        setStatus(state.status);
        setError(saveFailureText(e));
        throw e;
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = run;
    return run;
  }, [journeyId]);

  useEffect(() => {
    const state = latest.current;
    if (state.savedEdits === edits || state.status === 'conflict') return;
    if (state.status !== 'saving') {
      state.status = 'pending';
      setStatus('pending');
    }
    const timer = setTimeout(() => void saveNow().catch(() => undefined), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [edits, saveNow]);

  const flush = useCallback(async () => {
    let revision = await saveNow();
    // Edits made while the save was in flight are saved too.
    while (latest.current.savedEdits !== latest.current.edits) revision = await saveNow();
    return revision;
  }, [saveNow]);

  const loadTheirs = useCallback(async () => {
    const journey = await fetchJourney(journeyId);
    const state = latest.current;
    state.revision = journey.draft.revision;
    state.status = 'saved';
    setRevision(journey.draft.revision);
    setStatus('saved');
    setError(undefined);
    return journey;
  }, [journeyId]);

  const overwrite = useCallback(async () => {
    const journey = await fetchJourney(journeyId);
    const state = latest.current;
    state.revision = journey.draft.revision;
    state.status = 'pending';
    state.savedEdits = -1;
    await flush();
  }, [journeyId, flush]);

  const markSynced = useCallback((syncedEdits: number) => {
    latest.current.savedEdits = syncedEdits;
  }, []);

  return { status, revision, ...(error ? { error } : {}), flush, loadTheirs, overwrite, markSynced };
}

export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/** Problems of the current draft from the API, re-checked shortly after each edit. */
export function useDraftProblems(journeyId: string, draft: JourneyDraft, edits: number) {
  const debouncedEdits = useDebouncedValue(edits, VALIDATE_DELAY_MS);
  const draftRef = useRef(draft);
  // eslint-disable-next-line react-hooks/refs -- the latest-value ref: the query reads the newest draft when it runs
  draftRef.current = draft;
  const [session] = useState(() => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
  const query = useQuery({
    queryKey: validationKeys.forEdit(journeyId, session, debouncedEdits),
    queryFn: ({ signal }) => validateDraft(journeyId, draftRef.current, signal),
    select: (data): ApiProblem[] => data.problems,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    gcTime: 10_000,
  });
  return {
    problems: query.data ?? NO_PROBLEMS,
    /** The problems shown may be for an earlier edit: publishing waits until they are current. */
    checking:
      debouncedEdits !== edits || query.isFetching || query.isPlaceholderData || query.data === undefined,
    error: query.error,
  };
}

const NO_PROBLEMS: ApiProblem[] = [];
