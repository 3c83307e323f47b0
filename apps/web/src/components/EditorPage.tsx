/**
 * The journey editor: palette, canvas and side panel around one reducer (editor-core's `reduceEditor`). This
 * component wires data in (journey, catalog, lookups, problems) and gestures out (actions); the decisions live
 * in editor-core.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Activity, ArrowLeft, FlaskConical, History, Redo2, Rocket, Undo2 } from 'lucide-react';
import { useNodeCatalog } from '../api/catalog';
import { useDraftAutosave, useDraftProblems, type SaveStatus } from '../api/draft';
import { useJourney } from '../api/journeys';
import { usePublishOrRequest } from '../api/people';
import { backtestHref, resultsHref, runsHref } from '../sections/review/routes';
import { useEventNames, useMessageTemplates, useSegments } from '../api/lookups';
import { ApiError } from '../api/client';
import { testSendableKinds } from '@wakeflow/contracts';
import type { ApiProblem, CatalogEntry, JourneyDetail } from '../api/types';
import { JourneyCanvas, type FocusRequest } from '../canvas/JourneyCanvas';
import type { CanvasActions } from '../canvas/canvas-context';
import {
  collapseAllPaths,
  commandFor,
  createEditorCatalog,
  expandLane,
  NO_COLLAPSED,
  revealStep,
  toggleStepPaths,
  type CollapsedLanes,
  createElementKeeper,
  edgeAt,
  findNode,
  findStepByTitle,
  graphToFlow,
  groupProblems,
  initialEditorState,
  laneLabel,
  neighbourStep,
  nodeOutcomes,
  problemInWords,
  readDraftSettings,
  reduceEditor,
  stepTitle,
  type EditorAction,
  type EditorState,
  type InsertPoint,
} from '../editor-core';
import { hrefFor } from '../router';
import type { FormLookups } from '../schema-form/SchemaForm';
import { DeleteDialog } from './DeleteDialog';
import { StepSearch } from './StepSearch';
import { focusedStepId, focusStep, focusStepForm } from '../canvas/keyboard-focus';
import { LaunchDialog } from './LaunchDialog';
import { TestSendPanel } from './TestSendPanel';
import { JourneyTagsField } from './JourneyTagsField';
import { HistoryDrawer } from './HistoryDrawer';
import { InsertMenu } from './InsertMenu';
import { JourneyPanel } from './JourneyPanel';
import { AudienceCheckStrip, LaunchControls } from './LaunchControls';
import { Palette } from './Palette';
import { StepPanel } from './StepPanel';
import { TestJourneyPanel } from './TestJourneyPanel';
import { previewRunSteps } from './test-journey';
import { decorateFlow, runPath } from '../sections/review/run-path';
import { formatShortTime } from '../sections/review/format';
import type { JourneyPreview } from '@wakeflow/contracts';

export function EditorPage({ journeyId }: { journeyId: string }) {
  const journey = useJourney(journeyId);
  const catalog = useNodeCatalog();
  if (journey.error || catalog.error) {
    return (
      <div className="page-message error">
        Could not open the journey: {(journey.error ?? catalog.error)?.message}
      </div>
    );
  }
  if (!journey.data || !catalog.data) return <div className="page-message">Loading journey…</div>;
  return <Editor journey={journey.data} entries={catalog.data} />;
}

const saveLabels: Record<SaveStatus, string> = {
  saved: 'All changes saved',
  pending: 'Unsaved changes',
  saving: 'Saving…',
  conflict: 'Not saved: someone else changed this journey',
  error: 'Not saved',
};

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(
    el &&
    (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable),
  );
}

function Editor({ journey, entries }: { journey: JourneyDetail; entries: readonly CatalogEntry[] }) {
  const catalog = useMemo(() => createEditorCatalog(entries), [entries]);
  const [state, dispatch] = useReducer(
    (s: EditorState, a: EditorAction) => reduceEditor(s, a, catalog),
    journey.draft,
    (d) => initialEditorState({ graph: d.graph, settings: readDraftSettings(d.settings) }),
  );
  const { graph } = state.draft;
  const autosave = useDraftAutosave(journey.id, state.draft, state.edits, journey.draft.revision);
  const validation = useDraftProblems(journey.id, state.draft, state.edits);
  const publish = usePublishOrRequest(journey.id);
  const [publishProblems, setPublishProblems] = useState<ApiProblem[]>();
  const problems = publishProblems ?? validation.problems;
  const [insertMenu, setInsertMenu] = useState<{ at: InsertPoint; anchor: DOMRect }>();
  const [focus, setFocus] = useState<FocusRequest>();
  const [showHistory, setShowHistory] = useState(false);
  const [showTest, setShowTest] = useState(false);
  const [preview, setPreview] = useState<JourneyPreview>();
  const [published, setPublished] = useState<number>();
  const [requested, setRequested] = useState(false);

  const segments = useSegments();
  const templates = useMessageTemplates();
  const events = useEventNames();
  const lookups: FormLookups = useMemo(
    () => ({
      ...(segments.data ? { segments: segments.data } : {}),
      ...(templates.data ? { templates: templates.data } : {}),
      events: events.data ?? [],
    }),
    [segments.data, templates.data, events.data],
  );
  const describeLookups = useMemo(
    () => ({
      segmentName: (id: string) => segments.data?.find((s) => s.id === id)?.name,
      templateName: (id: string) => templates.data?.find((t) => t.id === id)?.name,
    }),
    [segments.data, templates.data],
  );
  const problemsByNode = useMemo(() => groupProblems(problems), [problems]);
  // Paths folded on the canvas: a view setting, not part of the draft.
  const [collapsed, setCollapsed] = useState<CollapsedLanes>(NO_COLLAPSED);
  const [fitRequest, setFitRequest] = useState(0);
  const latestGraph = useRef(graph);
  useEffect(() => {
    latestGraph.current = graph;
  });
  // A step selected (searched for, a problem clicked, moved to by arrow keys) is never left inside a folded path.
  useEffect(() => {
    const id = state.selectedId;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- unfolds what hides the selected step, once per selection
    if (id) setCollapsed((c) => revealStep(c, graph, id));
  }, [state.selectedId, graph]);
  const view = useMemo(
    () =>
      graphToFlow(graph, catalog, {
        problemsByNode,
        lookups: describeLookups,
        collapsed,
        ...(state.selectedId ? { selectedId: state.selectedId } : {}),
      }),
    [graph, catalog, problemsByNode, describeLookups, state.selectedId, collapsed],
  );
  // A test-journey preview draws its path on the canvas like a real run's, until the panel closes.
  const shownView = useMemo(
    () =>
      showTest && preview
        ? decorateFlow(
            view,
            runPath(previewRunSteps(preview), { status: 'completed', currentNodeId: null }),
            formatShortTime,
          )
        : view,
    [view, showTest, preview],
  );
  // The steps an edit did not touch stay the objects React Flow has, so a keystroke re-renders one card, not 300.
  const [keepUnchanged] = useState(createElementKeeper);
  const canvasView = useMemo(() => keepUnchanged(shownView), [keepUnchanged, shownView]);

  // eslint-disable-next-line react-hooks/set-state-in-effect -- an edit makes the last publish check's problems stale
  useEffect(() => setPublishProblems(undefined), [state.edits]);
  // After an edit the canvas follows the step it selected (a new step, a pasted branch) if it is out of sight.
  useEffect(() => {
    if (state.edits > 0 && state.selectedId)
      // Typing in the selected step's form asks for the same step again: keep the request, and skip a render.
      // eslint-disable-next-line react-hooks/set-state-in-effect -- a focus request for the canvas, once per edit
      setFocus((f) =>
        f?.nodeId === state.selectedId ? f : { nodeId: state.selectedId!, seq: (f?.seq ?? 0) + 1 },
      );
    // Only edits move the view; selecting by click never does.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on edits on purpose (see above)
  }, [state.edits]);
  useEffect(() => {
    if (!state.notice) return;
    const timer = setTimeout(() => dispatch({ type: 'dismissNotice' }), 3500);
    return () => clearTimeout(timer);
  }, [state.notice]);

  const select = useCallback((nodeId: string | undefined, pan = false) => {
    dispatch({ type: 'select', nodeId });
    if (pan && nodeId) setFocus((f) => ({ nodeId, seq: (f?.seq ?? 0) + 1 }));
  }, []);

  // The live version's numbers on the draft's steps (same ids), on by default while a version is live.
  const [showLive, setShowLive] = useState(true);
  const liveVersion = journey.liveVersion ?? undefined;
  const stepTitles = useMemo(() => graph.nodes.map((n) => stepTitle(n, catalog)), [graph, catalog]);
  const onFindStep = (text: string): boolean => {
    const id = findStepByTitle(graph, (n) => stepTitle(n, catalog), text);
    if (!id) return false;
    select(id, true);
    // Once the canvas has panned and drawn it, the step takes keyboard focus (arrows go on from there).
    setTimeout(() => focusStep(id), 300);
    return true;
  };

  const canvasActions: CanvasActions = useMemo(
    () => ({
      readOnly: false,
      insertAt: (at, kind) => dispatch({ type: 'insert', at, kind }),
      openInsertMenu: (at, anchor) => setInsertMenu({ at, anchor }),
      // The graph from a ref: these callbacks stay the same across edits, so the steps do not re-render per key.
      togglePaths: (stepId) => setCollapsed((c) => toggleStepPaths(c, latestGraph.current, stepId)),
      expandPath: (source, outcome, first) => {
        setCollapsed((c) => expandLane(c, source, outcome));
        setFocus((f) => ({ nodeId: first, seq: (f?.seq ?? 0) + 1 }));
        // Once the canvas has drawn the path's steps (and panned to the first), it takes keyboard focus.
        setTimeout(() => focusStep(first), 300);
      },
      ...(showLive && liveVersion !== undefined
        ? { watch: { journeyId: journey.id, version: liveVersion } }
        : {}),
    }),
    [showLive, liveVersion, journey.id],
  );

  /** A palette click: the trigger slot for triggers, else right after the selected step, else the first open path. */
  const pickFromPalette = (kind: string) => {
    const entry = catalog.get(kind);
    if (!entry) return;
    if (entry.role === 'trigger') return dispatch({ type: 'insert', at: { kind: 'trigger' }, kind });
    const selected = state.selectedId ? findNode(graph, state.selectedId) : undefined;
    const outcome = selected ? nodeOutcomes(selected, catalog)[0] : undefined;
    if (selected && outcome !== undefined)
      return dispatch({ type: 'insert', at: { kind: 'path', source: selected.id, outcome }, kind });
    const open = view.layout.openPaths[0];
    if (open)
      return dispatch({
        type: 'insert',
        at: { kind: 'path', source: open.source, outcome: open.outcome },
        kind,
      });
    dispatch({ type: 'insert', at: { kind: 'trigger' }, kind });
  };

  // One keyboard listener, commands from the one registry in editor-core/shortcuts.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || insertMenu) return;
      const command = commandFor(e);
      if (!command) return;
      // Arrows start from the step that has keyboard focus, else the selected one.
      const focused = focusedStepId(e.target);
      const id = focused ?? state.selectedId;
      const move = (direction: 'up' | 'down' | 'left' | 'right') => {
        const next = neighbourStep(graph, view.layout.steps, id, direction);
        if (!next) return;
        select(next, true);
        if (focused) focusStep(next);
      };
      // Enter and Space belong to whatever has focus (a + button, a link) unless it is a step.
      if (command === 'openStep' && !focused) return;
      e.preventDefault();
      switch (command) {
        case 'openStep':
          if (focused) {
            select(focused, true);
            focusStepForm();
          }
          break;
        case 'delete':
          if (id) dispatch({ type: 'delete', nodeId: id });
          break;
        case 'undo':
          dispatch({ type: 'undo' });
          break;
        case 'redo':
          dispatch({ type: 'redo' });
          break;
        case 'copy':
        case 'copyBranch':
          if (id) dispatch({ type: 'copy', nodeId: id, branch: command === 'copyBranch' });
          break;
        case 'paste':
          dispatch({ type: 'paste' });
          break;
        case 'duplicate':
          if (id) dispatch({ type: 'duplicate', nodeId: id });
          break;
        case 'selectUp':
          return move('up');
        case 'selectDown':
          return move('down');
        case 'selectLeft':
          return move('left');
        case 'selectRight':
          return move('right');
        case 'deselect':
          select(undefined);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [state.selectedId, graph, view.layout, insertMenu, select]);

  // Publishing first saves, then asks for confirmation with the launch estimate of exactly that revision.
  const [confirming, setConfirming] = useState<number>();
  /** Why the last publish was refused, when not for problems on the canvas (e.g. nothing changed since version N). */
  const [publishRefusal, setPublishRefusal] = useState<string>();
  const onPublish = async () => {
    setPublishRefusal(undefined);
    setConfirming(await autosave.flush());
  };
  const onConfirmPublish = async (revision: number) => {
    try {
      const result = await publish.mutateAsync(revision);
      if ('approvalRequired' in result) setRequested(true);
      else setPublished(result.version);
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) setPublishProblems(e.problems);
      else setPublishRefusal(e instanceof Error ? e.message : String(e));
    } finally {
      setConfirming(undefined);
    }
  };

  const onLoadTheirs = async () => {
    const theirs = await autosave.loadTheirs();
    autosave.markSynced(state.edits + 1);
    dispatch({
      type: 'load',
      draft: { graph: theirs.draft.graph, settings: readDraftSettings(theirs.draft.settings) },
    });
  };

  const selected = state.selectedId ? findNode(graph, state.selectedId) : undefined;
  const blocked =
    problems.length > 0 || validation.checking || autosave.status === 'conflict' || publish.isPending;
  const publishTitle = problems.length
    ? `Fix ${problems.length} problem${problems.length === 1 ? '' : 's'} first`
    : validation.checking
      ? 'Checking the journey…'
      : autosave.status === 'conflict'
        ? 'Resolve the save conflict first'
        : 'Publish a new version';
  const pendingNode = state.pendingDelete ? findNode(graph, state.pendingDelete.nodeId) : undefined;

  return (
    <div className="editor">
      <div className="toolbar">
        <a className="icon-button" href={hrefFor({ page: 'journeys' })} aria-label="Back to journeys">
          <ArrowLeft size={16} />
        </a>
        <div className="toolbar-title">
          <h1>{journey.name}</h1>
          <span className={`save-status save-${autosave.status}`} data-testid="save-status">
            {saveLabels[autosave.status]}
            {autosave.status === 'saved' ? ` · revision ${autosave.revision}` : ''}
          </span>
          <LaunchControls journeyId={journey.id} />
        </div>
        <StepSearch titles={stepTitles} onFind={onFindStep} />
        <div className="toolbar-actions">
          <button
            type="button"
            className="icon-button"
            aria-label="Undo"
            title="Undo (Ctrl+Z)"
            disabled={!state.history.past.length}
            onClick={() => dispatch({ type: 'undo' })}
          >
            <Undo2 size={16} />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Redo"
            title="Redo (Ctrl+Shift+Z)"
            disabled={!state.history.future.length}
            onClick={() => dispatch({ type: 'redo' })}
          >
            <Redo2 size={16} />
          </button>
          <button
            type="button"
            className={`problem-pill${problems.length ? ' problem-pill-bad' : ''}`}
            onClick={() => select(undefined)}
            data-testid="problem-count"
          >
            {problems.length
              ? `${problems.length} problem${problems.length === 1 ? '' : 's'}`
              : validation.checking
                ? 'Checking…'
                : 'No problems'}
          </button>
          <a className="button" href={runsHref({ journeyId: journey.id })}>
            Runs
          </a>
          <a className="button" href={resultsHref(journey.id)}>
            Results
          </a>
          <a className="button" href={backtestHref(journey.id)}>
            Backtest
          </a>
          <button type="button" className="button" onClick={() => setShowTest((v) => !v)}>
            <FlaskConical size={14} /> Test journey
          </button>
          {liveVersion !== undefined ? (
            <button
              type="button"
              className="button"
              aria-pressed={showLive}
              title={`Numbers of version ${liveVersion}, the live one, on the steps`}
              onClick={() => setShowLive((v) => !v)}
            >
              <Activity size={14} /> Live numbers
            </button>
          ) : null}
          <button type="button" className="button" onClick={() => setShowHistory((v) => !v)}>
            <History size={14} /> History
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={blocked}
            title={publishTitle}
            onClick={() => void onPublish()}
          >
            <Rocket size={14} /> {publish.isPending ? 'Publishing…' : 'Publish'}
          </button>
        </div>
      </div>
      <AudienceCheckStrip
        journeyId={journey.id}
        segmentId={audienceSegmentOf(graph)}
        launch={state.draft.settings.launch}
      />
      {confirming !== undefined ? (
        <LaunchDialog
          journeyId={journey.id}
          revision={confirming}
          publishing={publish.isPending}
          onConfirm={() => void onConfirmPublish(confirming)}
          onClose={() => setConfirming(undefined)}
        />
      ) : null}
      {publishRefusal ? (
        <div className="banner banner-error" role="alert" data-testid="publish-refused">
          Not published: {publishRefusal}
        </div>
      ) : null}
      {autosave.status === 'conflict' ? (
        <div className="banner banner-error" role="alert">
          Someone else saved this journey after you opened it, so your latest changes were not saved.
          <button type="button" className="button" onClick={() => void onLoadTheirs()}>
            Load their version
          </button>
          <button type="button" className="button button-danger" onClick={() => void autosave.overwrite()}>
            Replace it with mine
          </button>
        </div>
      ) : null}
      {autosave.status === 'error' ? (
        <div className="banner banner-error">
          Saving failed: {autosave.error}. Retrying on your next change.
        </div>
      ) : null}
      {requested ? (
        <div className="banner banner-ok" role="status" data-testid="approval-requested">
          Publishing needs approval: your request is waiting for a reviewer.{' '}
          <a href="#/team/approvals">See approvals</a>
          <button type="button" className="link-button" onClick={() => setRequested(false)}>
            Dismiss
          </button>
        </div>
      ) : null}
      {published !== undefined ? (
        <div className="banner banner-ok" role="status">
          Published version {published}.{' '}
          <a href={hrefFor({ page: 'version', journeyId: journey.id, version: published })}>Watch it</a>
          <button type="button" className="link-button" onClick={() => setPublished(undefined)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div className="editor-body">
        <Palette entries={entries} onPick={pickFromPalette} />
        <div className="canvas" data-testid="canvas">
          <JourneyCanvas
            view={canvasView}
            actions={canvasActions}
            onCollapseAll={() => {
              setCollapsed(collapseAllPaths(graph));
              setFitRequest((n) => n + 1);
            }}
            onExpandAll={() => {
              setCollapsed(NO_COLLAPSED);
              setFitRequest((n) => n + 1);
            }}
            fitRequest={fitRequest}
            onSelect={(id) => select(id)}
            {...(focus ? { focus } : {})}
          />
          {state.notice ? (
            <div className={`toast toast-${state.notice.tone}`} role="status">
              {state.notice.text}
            </div>
          ) : null}
        </div>
        {showTest ? (
          <TestJourneyPanel
            journeyId={journey.id}
            draft={{ graph, settings: state.draft.settings }}
            stepTitle={(id) => {
              const node = findNode(graph, id);
              return node ? stepTitle(node, catalog) : id;
            }}
            onResult={setPreview}
            onClose={() => {
              setShowTest(false);
              setPreview(undefined);
            }}
          />
        ) : showHistory ? (
          <HistoryDrawer
            journeyId={journey.id}
            draft={state.draft}
            catalog={catalog}
            onClose={() => setShowHistory(false)}
          />
        ) : selected ? (
          <StepPanel
            key={selected.id}
            step={selected}
            entry={catalog.get(selected.type)}
            problems={problems.filter((p) => p.nodeId === selected.id)}
            lookups={lookups}
            onConfig={(config, field) =>
              dispatch({ type: 'updateConfig', nodeId: selected.id, config, field })
            }
            onRename={(name) => dispatch({ type: 'rename', nodeId: selected.id, name })}
            onCommit={() => dispatch({ type: 'seal' })}
            onDuplicate={() => dispatch({ type: 'duplicate', nodeId: selected.id })}
            onCopy={(branch) => dispatch({ type: 'copy', nodeId: selected.id, branch })}
            onDelete={() => dispatch({ type: 'delete', nodeId: selected.id })}
            extra={
              testSendableKinds.includes(selected.type) ? (
                <TestSendPanel journeyId={journey.id} stepId={selected.id} saveDraft={autosave.flush} />
              ) : undefined
            }
          />
        ) : (
          <JourneyPanel
            problems={problems}
            checking={validation.checking}
            stepTitle={(id) => {
              const node = findNode(graph, id);
              return node ? stepTitle(node, catalog) : id;
            }}
            problemText={(p) => problemInWords(p, graph, catalog)}
            onFocusProblem={(p) => p.nodeId && select(p.nodeId, true)}
            settings={state.draft.settings}
            onSettings={(settings, field) => dispatch({ type: 'updateSettings', settings, field })}
            onCommit={() => dispatch({ type: 'seal' })}
            lookups={lookups}
          >
            <JourneyTagsField journeyId={journey.id} tags={journey.tags} />
          </JourneyPanel>
        )}
      </div>
      {insertMenu ? (
        <InsertMenu
          at={insertMenu.at}
          anchor={insertMenu.anchor}
          connected={
            insertMenu.at.kind === 'path' &&
            edgeAt(graph, insertMenu.at.source, insertMenu.at.outcome) !== undefined
          }
          entries={entries}
          canPaste={state.clipboard !== undefined}
          onPick={(kind) => {
            dispatch({ type: 'insert', at: insertMenu.at, kind });
            setInsertMenu(undefined);
          }}
          onPaste={() => {
            dispatch({ type: 'paste', at: insertMenu.at });
            setInsertMenu(undefined);
          }}
          onClose={() => setInsertMenu(undefined)}
        />
      ) : null}
      {state.pendingDelete && pendingNode ? (
        <DeleteDialog
          pending={state.pendingDelete}
          labelOf={(o) => laneLabel(pendingNode, o, catalog) ?? o}
          onChoose={(keep) => dispatch({ type: 'delete', nodeId: pendingNode.id, keep })}
          onCancel={() => dispatch({ type: 'cancelDelete' })}
        />
      ) : null}
    </div>
  );
}

/** The segment of the draft's audience trigger, if it has one. */
function audienceSegmentOf(graph: { nodes: readonly { type: string; config: Record<string, unknown> }[] }) {
  const trigger = graph.nodes.find((n) => n.type === 'audience_trigger');
  const segmentId = trigger?.config.segmentId;
  return typeof segmentId === 'string' && segmentId !== '' ? segmentId : undefined;
}
