/** Creates the default workspace on first start, so a fresh install has somewhere to put things. */
import { workspaces, type Database } from '@wakeflow/db';

export async function ensureWorkspace(db: Database, id: string, name = 'Default workspace'): Promise<void> {
  await db.insert(workspaces).values({ id, name }).onConflictDoNothing();
}
