import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface LockOptions {
  /** Give up waiting after this long (default 15 minutes: a pip or apt install can be slow). */
  timeoutMs?: number;
  /** A lock older than this is taken over even if its owner looks alive (default 30 minutes). */
  staleMs?: number;
  /** Called once when we have to wait, so a caller can say why it is blocked. */
  onWait?: (holder: string) => void;
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Whether a process with this pid runs (on this host). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - st.mtimeMs > staleMs) return true;
    const info = JSON.parse(text) as Partial<LockInfo>;
    // A pid only means something on the host that wrote it.
    if (typeof info.pid === 'number' && info.host === os.hostname()) return !isAlive(info.pid);
    return false;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    // Half-written lock file (the writer died between open and write): treat as stale once it is a bit old.
    if (err instanceof SyntaxError) {
      const st = await stat(lockPath).catch(() => undefined);
      return st !== undefined && Date.now() - st.mtimeMs > 5_000;
    }
    throw err;
  }
}

/**
 * Runs `fn` while holding an exclusive lock file, across processes (several vitest workers may install the
 * same tool at once). The lock is an O_EXCL file holding our pid, so a crashed holder is detected and taken over.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const staleMs = options.staleMs ?? 30 * 60_000;
  const deadline = Date.now() + timeoutMs;
  await mkdir(path.dirname(lockPath), { recursive: true });
  let warned = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      const info: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
      await handle.writeFile(JSON.stringify(info));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockPath, staleMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${Math.round(timeoutMs / 1000)}s waiting for lock ${lockPath}; delete it if no other process is running`,
      );
    }
    if (!warned) {
      warned = true;
      const holder = await readFile(lockPath, 'utf8').catch(() => '?');
      options.onWait?.(holder);
    }
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 150));
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
