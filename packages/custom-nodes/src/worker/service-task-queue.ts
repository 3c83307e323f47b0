/** The `serviceTasks` port on PostgreSQL (`service_tasks`), worker-side: one task per run and step. */
import { and, eq } from 'drizzle-orm';
import { serviceTasks, type Database, type ServiceTaskPriority as StoredPriority } from '@wakeflow/db';
import type { ServiceTaskPriority, ServiceTaskQueue } from '../ports';

// The kind's priorities must be ones the table accepts: a compile error here when the two lists drift apart.
const storable = (priority: ServiceTaskPriority): StoredPriority => priority;

export function createServiceTaskQueue(db: Database): ServiceTaskQueue {
  return {
    async createOnce(task) {
      const [created] = await db
        .insert(serviceTasks)
        .values({ ...task, priority: storable(task.priority) })
        .onConflictDoNothing({ target: [serviceTasks.runId, serviceTasks.nodeId] })
        .returning({ id: serviceTasks.id, dueAt: serviceTasks.dueAt });
      if (created) return created;
      // An earlier attempt already created it (the activity crashed or timed out after the insert).
      const [existing] = await db
        .select({ id: serviceTasks.id, dueAt: serviceTasks.dueAt })
        .from(serviceTasks)
        .where(and(eq(serviceTasks.runId, task.runId), eq(serviceTasks.nodeId, task.nodeId)));
      if (!existing)
        throw new Error(`Service task for run ${task.runId} step ${task.nodeId} neither created nor found`);
      return existing;
    },
  };
}
