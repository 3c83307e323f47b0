import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The monorepo root: the nearest folder at or above `startDir` holding pnpm-workspace.yaml.
 * Starts from this file by default so it works whatever the caller's cwd is.
 */
export function findRepoRoot(startDir: string = here): string {
  let dir = path.resolve(startDir);
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Could not find the repository root (pnpm-workspace.yaml) above ${startDir}`);
    }
    dir = parent;
  }
}

/** Where local state lives (Postgres data, Temporal's SQLite file, tools, logs): WAKEFLOW_DATA_DIR or <repo>/.data. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.WAKEFLOW_DATA_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.join(findRepoRoot(), '.data');
}

export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'tools');
}

export function logsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'logs');
}
