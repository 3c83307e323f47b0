import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { dataDir, logsDir } from './paths.js';
import { getFreePorts, isPortOpen } from './ports.js';
import { spawnManaged, type ExitInfo, type ManagedProcess } from './processes.js';
import { findTemporalCli } from './temporal-binaries.js';

export interface TemporalDevServerOptions {
  /** SQLite file for persistent state (default <data>/temporal.db); `null` keeps everything in memory. */
  dbFile?: string | null;
  /** gRPC port (default 7233); 0 picks a free port (and a free UI port unless `uiPort` is given). */
  port?: number;
  /** Web UI port (default port + 1000, i.e. 8233). */
  uiPort?: number;
  /** No Web UI (faster start; what tests want). */
  headless?: boolean;
  /** Interface to bind (default 127.0.0.1: the dev server has no auth). */
  ip?: string;
  /** Namespace to use; created at launch when it is not "default". */
  namespace?: string;
  /** Dynamic config values (`--dynamic-config-value KEY=JSON`), only for what the defaults do not cover. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Custom search attributes to register, e.g. { WakeflowJourneyId: 'Keyword' }. */
  searchAttributes?: Record<
    string,
    'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList'
  >;
  /** Anything else to pass to `temporal server start-dev`. */
  extraArgs?: readonly string[];
  /** Server output goes here (default <data>/logs/temporal.log, or temporal-test.log for random ports). */
  logFile?: string;
  /** Path of the `temporal` binary (default: findTemporalCli()). */
  cli?: string;
  /** If the port already answers as a Temporal server, use it instead of failing (its stop() is then a no-op). */
  reuseExisting?: boolean;
  /** How long to wait for the server to answer (default 60s). */
  startTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port for Connection.connect / TEMPORAL_ADDRESS. */
  address: string;
  /** Web UI URL, undefined when headless. */
  uiUrl: string | undefined;
  namespace: string;
  logFile: string;
  /** False when an already running server was reused. */
  owned: boolean;
  pid: number | undefined;
  /** Settles when the server this call started exits (undefined when an existing one was reused). */
  exited?: Promise<ExitInfo>;
  stop(): Promise<void>;
}

const DEFAULT_PORT = 7233;

/** The last lines written since our latest start header in a shared log file. */
async function fileTail(file: string, lines = 40): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const start = text.lastIndexOf('\n--- ');
  return text.slice(Math.max(start, 0)).split('\n').slice(-lines).join('\n');
}

/** Resolves once a Temporal frontend at `address` serves `namespace`; false if it does not within `timeoutMs`. */
export async function waitForTemporal(
  address: string,
  namespace = 'default',
  timeoutMs = 60_000,
  isDead: () => boolean = () => false,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isDead()) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      // The port opens before the namespace is registered; describeNamespace proves it is usable.
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  return false;
}

function buildArgs(o: {
  dbFile: string | null;
  ip: string;
  port: number;
  uiPort: number | undefined;
  namespace: string;
  dynamicConfig: Record<string, string | number | boolean>;
  searchAttributes: Record<string, string>;
  extraArgs: readonly string[];
}): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port)];
  if (o.dbFile !== null) {
    // WAL + synchronous=NORMAL: far fewer fsyncs than SQLite's defaults, still crash-safe for a dev store.
    args.push(
      '--db-filename',
      o.dbFile,
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=NORMAL',
    );
  }
  if (o.uiPort === undefined) args.push('--headless');
  // There is no internet here, so the UI's news feed would only log errors.
  else args.push('--ui-port', String(o.uiPort), '--ui-disable-news-fetch');
  if (o.namespace !== 'default') args.push('--namespace', o.namespace);
  for (const [key, value] of Object.entries(o.dynamicConfig)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  for (const [key, type] of Object.entries(o.searchAttributes))
    args.push('--search-attribute', `${key}=${type}`);
  args.push('--log-level', 'warn', ...o.extraArgs);
  return args;
}

/**
 * Starts `temporal server start-dev` and waits until it serves the namespace. The child is stopped by `stop()`,
 * or when this process exits.
 */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? 'default';
  const headless = options.headless ?? false;
  const requestedPort = options.port ?? DEFAULT_PORT;
  const randomPorts = requestedPort === 0;
  const dbFile = options.dbFile === undefined ? path.join(dataDir(), 'temporal.db') : options.dbFile;
  const logFile = options.logFile ?? path.join(logsDir(), randomPorts ? 'temporal-test.log' : 'temporal.log');
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  // Connect via the bound IP; 0.0.0.0 is not a destination.
  const connectHost = ip === '0.0.0.0' ? '127.0.0.1' : ip;
  const uiHost = ip === '127.0.0.1' || ip === '0.0.0.0' ? 'localhost' : ip;

  if (!randomPorts && (await isPortOpen(requestedPort, connectHost))) {
    const address = `${connectHost}:${requestedPort}`;
    if (options.reuseExisting && (await waitForTemporal(address, namespace, 5_000))) {
      const uiPort = options.uiPort ?? requestedPort + 1000;
      return {
        address,
        uiUrl: headless ? undefined : `http://${uiHost}:${uiPort}`,
        namespace,
        logFile,
        owned: false,
        pid: undefined,
        stop: async () => undefined,
      };
    }
    throw new Error(
      `Port ${requestedPort} is already in use. If a Temporal server is running there, set ` +
        `TEMPORAL_ADDRESS=${address} to use it; otherwise choose another port with WAKEFLOW_TEMPORAL_PORT.`,
    );
  }

  const cli = options.cli ?? (await findTemporalCli());
  if (dbFile !== null) await mkdir(path.dirname(dbFile), { recursive: true });
  await mkdir(path.dirname(logFile), { recursive: true });

  // Another process can take a port between its pick and the server's bind: ours when they are random, and always
  // the HTTP API port, which the CLI picks at random itself. Such a server exits at once: start it again, a few times
  // (on fixed ports only then; one that did not answer in time is not retried).
  const attempts = 3;
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let port = requestedPort;
    let uiPort: number | undefined = headless ? undefined : (options.uiPort ?? requestedPort + 1000);
    if (randomPorts) {
      const [p, u] = await getFreePorts(2, connectHost);
      port = p ?? 0;
      uiPort = headless ? undefined : options.uiPort && options.uiPort !== 0 ? options.uiPort : u;
    } else if (uiPort !== undefined && (await isPortOpen(uiPort, connectHost))) {
      throw new Error(
        `Temporal UI port ${uiPort} is already in use; choose another with WAKEFLOW_TEMPORAL_UI_PORT.`,
      );
    }
    const args = buildArgs({
      dbFile,
      ip,
      port,
      uiPort,
      namespace,
      dynamicConfig: options.dynamicConfig ?? {},
      searchAttributes: options.searchAttributes ?? {},
      extraArgs: options.extraArgs ?? [],
    });
    // Client-side TEMPORAL_* settings (meant for our apps) must not leak into the server's own config.
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('TEMPORAL_')) delete env[key];

    // A header makes each start findable in the shared, appended log.
    await appendFile(logFile, `\n--- ${new Date().toISOString()} ${cli} ${args.join(' ')}\n`);
    const proc: ManagedProcess = spawnManaged({
      name: 'temporal',
      command: cli,
      args,
      env,
      output: { file: logFile, append: true },
    });
    const address = `${connectHost}:${port}`;
    const ready = await waitForTemporal(address, namespace, timeoutMs, () => !proc.running);
    if (ready) {
      return {
        address,
        uiUrl: uiPort === undefined ? undefined : `http://${uiHost}:${uiPort}`,
        namespace,
        logFile,
        owned: true,
        pid: proc.pid,
        exited: proc.exited,
        stop: async () => {
          await proc.stop({ timeoutMs: 15_000 });
        },
      };
    }
    const exited = !proc.running;
    await proc.stop({ timeoutMs: 5_000 });
    lastError = new Error(
      `Temporal dev server ${exited ? 'exited' : `did not answer on ${address} within ${Math.round(timeoutMs / 1000)}s`} ` +
        `(${cli} ${args.join(' ')}). Last lines of ${logFile}:\n${await fileTail(logFile)}`,
    );
    if (!exited && !randomPorts) break;
  }
  throw lastError ?? new Error('Temporal dev server did not start');
}
