import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Where a child's stdout/stderr go:
 * - 'prefix': printed line by line as `[name] line` (the default, for `pnpm start`);
 * - 'capture': kept in memory only (see `tail()`), for quiet one-shot commands;
 * - 'inherit' / 'ignore': as in child_process;
 * - { file }: appended (or truncated) to a log file, which keeps a noisy server out of the terminal.
 */
export type OutputMode = 'prefix' | 'capture' | 'inherit' | 'ignore' | { file: string; append?: boolean };

export interface SpawnOptions {
  /** Short label used for the output prefix and in error messages. */
  name: string;
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Full environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  output?: OutputMode;
  /** Run as this user/group (used to run Postgres unprivileged when we are root). */
  uid?: number;
  gid?: number;
  /** Signal for a graceful stop (default SIGTERM; Postgres wants SIGINT for a fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Stop this child when this process exits or gets SIGINT/SIGTERM (default true). */
  killOnExit?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Settles when the child has exited (never rejects; a spawn error reads as code 127). */
  readonly exited: Promise<ExitInfo>;
  readonly running: boolean;
  /** The graceful stop signal for this child. */
  readonly stopSignal: NodeJS.Signals;
  /** Last lines of output (kept for every mode except 'inherit'/'ignore'/file), for error messages. */
  tail(lines?: number): string;
  /** Graceful stop of the whole process group, escalating to SIGKILL after `timeoutMs` (default 10s). */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<ExitInfo>;
}

const COLORS = [36, 35, 33, 32, 34, 91, 96, 95, 93, 92];
const TAIL_LINES = 200;

const managed: ManagedProcess[] = [];
const shutdownHooks: Array<() => Promise<void> | void> = [];
let handlersInstalled = false;
let shuttingDown = false;
// Set by stopAll, so that children exiting because we stop them are not reported as crashes.
let stopping = false;
let colorIndex = 0;

function signalGroup(pid: number, signal: NodeJS.Signals, groupOnly = false): void {
  try {
    // Children are spawned detached, so -pid addresses the whole tree (pnpm → tsx → node).
    process.kill(-pid, signal);
  } catch {
    // After the leader has exited its pid may belong to someone else: then only the group may be signalled.
    if (groupOnly) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Whether any live (non-zombie) process is still in process group `pgid`. On Linux this reads /proc, because a
 * zombie that nobody reaps (PID 1 in some containers does not) would otherwise look alive forever.
 */
function groupAlive(pgid: number): boolean {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function openOutputFile(file: string, append: boolean): number {
  mkdirSync(path.dirname(file), { recursive: true });
  return openSync(file, append ? 'a' : 'w');
}

/** Spawns a long-running child in its own process group, so it and all its descendants can be stopped together. */
export function spawnManaged(options: SpawnOptions): ManagedProcess {
  const output = options.output ?? 'prefix';
  let stdio: Array<'pipe' | 'ignore' | 'inherit' | number>;
  let fileFd: number | undefined;
  if (output === 'inherit') stdio = ['ignore', 'inherit', 'inherit'];
  else if (output === 'ignore') stdio = ['ignore', 'ignore', 'ignore'];
  else if (typeof output === 'object') {
    fileFd = openOutputFile(output.file, output.append ?? true);
    stdio = ['ignore', fileFd, fileFd];
  } else stdio = ['ignore', 'pipe', 'pipe'];

  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio,
    detached: true,
    uid: options.uid,
    gid: options.gid,
  });
  // The child holds its own copy of the descriptor.
  if (fileFd !== undefined) closeSync(fileFd);

  const lines: string[] = [];
  const color = COLORS[colorIndex++ % COLORS.length] ?? 36;
  const useColor = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  const prefix = useColor ? `\x1b[${color}m[${options.name}]\x1b[0m ` : `[${options.name}] `;
  const onLine = (line: string, isErr: boolean): void => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
    if (output === 'prefix') (isErr ? process.stderr : process.stdout).write(prefix + line + '\n');
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => onLine(l, false));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => onLine(l, true));

  let running = true;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (err) => {
      onLine(`failed to start ${options.command}: ${err.message}`, true);
      running = false;
      resolve({ code: 127, signal: null });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });

  const proc: ManagedProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    child,
    exited,
    stopSignal: options.stopSignal ?? 'SIGTERM',
    get running() {
      return running;
    },
    tail(n = 40) {
      return lines.slice(-n).join('\n');
    },
    async stop({ signal = options.stopSignal ?? 'SIGTERM', timeoutMs = 10_000 } = {}) {
      const pid = child.pid;
      if (pid !== undefined) {
        const deadline = Date.now() + timeoutMs;
        if (running) signalGroup(pid, signal);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          exited,
          new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
        // The leader (e.g. pnpm) may exit before its children finish shutting down: give them the rest of the time.
        while (Date.now() < deadline && groupAlive(pid)) await sleep(50);
        if (running) signalGroup(pid, 'SIGKILL');
        else signalGroup(pid, 'SIGKILL', true);
        await exited;
      }
      const i = managed.indexOf(proc);
      if (i >= 0) managed.splice(i, 1);
      return exited;
    },
  };

  if (options.killOnExit !== false && child.pid !== undefined) {
    managed.push(proc);
    installShutdownHandlers();
    void exited.then(() => {
      const i = managed.indexOf(proc);
      if (i >= 0) managed.splice(i, 1);
    });
  }
  return proc;
}

export interface RunOptions extends Omit<SpawnOptions, 'output'> {
  /** 'prefix' prints as it goes; 'capture' stays quiet and only shows the output if the command fails. */
  output?: 'prefix' | 'capture' | 'inherit';
  /** Fail if the command runs longer than this (default: no limit). */
  timeoutMs?: number;
}

/** Runs a command to completion; rejects with the tail of its output when it exits non-zero. */
export async function runCommand(options: RunOptions): Promise<{ output: string }> {
  const proc = spawnManaged({ ...options, output: options.output ?? 'capture' });
  let timer: NodeJS.Timeout | undefined;
  if (options.timeoutMs !== undefined) {
    timer = setTimeout(() => void proc.stop({ timeoutMs: 2_000 }), options.timeoutMs);
  }
  const { code, signal } = await proc.exited;
  if (timer) clearTimeout(timer);
  const output = proc.tail(TAIL_LINES);
  if (code !== 0) {
    const cmd = [options.command, ...(options.args ?? [])].join(' ');
    const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
    // Output already printed ('prefix', 'inherit') is not repeated in the message.
    const shown = options.output === 'prefix' || options.output === 'inherit';
    throw new Error(`${options.name}: \`${cmd}\` ${how}${output && !shown ? `\n${proc.tail(40)}` : ''}`);
  }
  return { output };
}

/** Registers cleanup to run (last registered first) after the managed children are stopped on shutdown. */
export function onShutdown(hook: () => Promise<void> | void): void {
  shutdownHooks.push(hook);
  installShutdownHandlers();
}

/** Stops every managed child, newest first (apps before the databases they use), then runs the shutdown hooks. */
export async function stopAll(timeoutMs = 10_000): Promise<void> {
  stopping = true;
  for (const proc of [...managed].reverse()) {
    await proc.stop({ timeoutMs });
  }
  for (const hook of shutdownHooks.splice(0).reverse()) {
    try {
      await hook();
    } catch (err) {
      process.stderr.write(`shutdown hook failed: ${String(err)}\n`);
    }
  }
}

/** Processes still registered for stop-on-exit (for tests and diagnostics). */
export function managedProcesses(): readonly ManagedProcess[] {
  return managed;
}

function installShutdownHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      // Second Ctrl-C: stop waiting for graceful shutdowns.
      for (const proc of managed) signalGroup(proc.pid, 'SIGKILL');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    shuttingDown = true;
    // A stop that was asked for and went cleanly is a success: a non-zero code makes pnpm print
    // "ELIFECYCLE Command failed" after every normal Ctrl-C.
    void stopAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // Last resort when the process exits without a signal (e.g. an uncaught error): nothing async runs here,
  // so just ask the children to stop; they do so on their own.
  process.on('exit', () => {
    for (const proc of managed) signalGroup(proc.pid, proc.stopSignal);
  });
}

/** True once a shutdown (signal or stopAll) has begun. */
export function isShuttingDown(): boolean {
  return shuttingDown || stopping;
}
