/**
 * The contract between the facts-rebuild workflow, its activity and the API that starts it. Types and constants
 * only, so workflow code can import it (as types).
 */

/** Workflow type name, as exported by workflows/src/facts-rebuild.ts. */
export const FACTS_REBUILD_WORKFLOW = 'audienceFactsRebuild';

/** One id per workspace: a newer settings change replaces the running rebuild instead of queueing behind it. */
export function factsRebuildWorkflowId(workspaceId: string): string {
  return `audience-facts-rebuild/${workspaceId}`;
}

export interface FactsRebuildInput {
  workspaceId: string;
  /** Customers per transaction (see `rebuildFacts`). */
  chunkSize?: number;
  /** How long a silent rebuild activity is given before Temporal retries it (default 60 s). */
  heartbeatTimeoutMs?: number;
}

/** Progress of a rebuild; also what the activity heartbeats (the API shows it while the rebuild runs). */
export interface FactsRebuildProgress {
  customersScanned: number;
  /** Customers whose fact columns changed. */
  customersUpdated: number;
  /** `customer_daily_activity` rows inserted or changed, and deleted. */
  rollupRowsWritten: number;
  rollupRowsDeleted: number;
  /** Customers recomputed from their events because they changed after the stage was taken (ingest ran meanwhile). */
  customersRecomputed?: number;
  /** Taking the stage (one scan of the events), and applying it in chunks, in milliseconds. */
  stageMs?: number;
  applyMs?: number;
}

export interface FactsRebuildActivities {
  rebuildAudienceFacts(input: FactsRebuildInput): Promise<FactsRebuildProgress>;
}
