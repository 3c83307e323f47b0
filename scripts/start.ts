/**
 * `pnpm start`: the whole product on one machine.
 * PostgreSQL (DATABASE_URL or a local cluster) → Temporal (TEMPORAL_ADDRESS or a dev server with its UI) →
 * migrations → demo seed → worker, API and web editor. Prints the URL to open; Ctrl-C stops everything.
 * See docs/configuration.md for the environment variables.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  dataDir,
  ensurePostgres,
  findRepoRoot,
  isPortOpen,
  onShutdown,
  runCommand,
  spawnManaged,
  supervise,
  startTemporalDevServer,
  stopAll,
  waitForPort,
  type ExitInfo,
  type ManagedProcess,
} from '@wakeflow/devstack';
import { APP_ROLE } from '@wakeflow/db';
import { backtestNodeFlags } from './node-flags';

const root = findRepoRoot();
const say = (line: string): void => void process.stdout.write(`[start] ${line}\n`);

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port >= 65536)
    throw new Error(`${name}=${raw} is not a port number`);
  return port;
}

/** A workspace package's entry file, or undefined (with a notice) while that part is not written yet. */
function entry(pkgDir: string, file: string): string | undefined {
  if (existsSync(path.join(root, pkgDir, file))) return file;
  say(`skipping ${pkgDir}/${file}: not there yet`);
  return undefined;
}

/**
 * Processes of an earlier `pnpm start` that was killed hard (kill -9) keep running and hold their ports. We record
 * what we start and end such leftovers on the next start, then start afresh. (A PostgreSQL or Temporal server that
 * some other command started is reused instead, and left running.)
 */
const pidFile = path.join(dataDir(), 'run', 'start-processes.json');

/**
 * This machine's own secret key (made once, kept in the data directory), so even the local stack never signs links
 * or encrypts provider secrets with the published development key.
 */
async function localSecretKey(): Promise<string> {
  const file = path.join(dataDir(), 'secret.key');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const key = randomBytes(32).toString('hex');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}
interface Recorded {
  name: string;
  pid: number;
  /** A word its /proc cmdline must contain, so a recycled pid is never signalled. */
  match: string;
  /** Whether pid leads its own process group. */
  group: boolean;
}
const recorded: Recorded[] = [];

async function record(entry: Recorded): Promise<void> {
  recorded.push(entry);
  await mkdir(path.dirname(pidFile), { recursive: true });
  await writeFile(pidFile, JSON.stringify(recorded));
}

async function stopLeftovers(): Promise<void> {
  const entries = JSON.parse(await readFile(pidFile, 'utf8').catch(() => '[]')) as Recorded[];
  const waits: Array<Promise<void>> = [];
  for (const { name, pid, match, group } of entries.reverse()) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(match)) continue;
    say(`stopping ${name} left over from an earlier run (pid ${pid})`);
    try {
      // SIGINT is PostgreSQL's fast shutdown; the others stop on SIGTERM.
      process.kill(group ? -pid : pid, name === 'postgres' ? 'SIGINT' : 'SIGTERM');
    } catch {
      continue;
    }
    waits.push(
      (async () => {
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && existsSync(`/proc/${pid}`))
          await new Promise((r) => setTimeout(r, 100));
      })(),
    );
  }
  await Promise.all(waits);
  await writeFile(pidFile, '[]').catch(() => undefined);
}

/**
 * Keeps a server this script started (PostgreSQL, the Temporal dev server) up: started again the same way, on the
 * same folder and port, when it stops. A server found already running on restart is not ours to watch.
 */
function keepServerUp(
  name: 'postgres' | 'temporal',
  exited: Promise<ExitInfo>,
  startAgain: () => Promise<{ pid?: number | undefined; exited?: Promise<ExitInfo> | undefined }>,
): void {
  supervise({
    name,
    initial: { exited },
    start: async () => {
      const again = await startAgain();
      if (again.pid !== undefined) await record({ name, pid: again.pid, match: name, group: true });
      say(`${name} is running again`);
      return { exited: again.exited ?? new Promise<never>(() => undefined) };
    },
    say,
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const apiPort = portFromEnv('API_PORT', 3000);
  const webPort = portFromEnv('WEB_PORT', 5173);
  await stopLeftovers();
  onShutdown(() => writeFile(pidFile, '[]').catch(() => undefined));
  // Fail before starting anything rather than after a minute of setup (leftovers get a few seconds to exit).
  for (const [name, port] of [
    ['API_PORT', apiPort],
    ['WEB_PORT', webPort],
  ] as const) {
    const deadline = Date.now() + 5_000;
    while (await isPortOpen(port)) {
      if (Date.now() > deadline)
        throw new Error(`Port ${port} (${name}) is already in use: stop what uses it or set ${name}.`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  // The API and worker log in as the app role: the project-run cluster gives it its development password.
  const postgres = await ensurePostgres({ appRole: APP_ROLE });
  if (postgres.pid !== undefined)
    await record({ name: 'postgres', pid: postgres.pid, match: 'postgres', group: true });
  // A cluster this script started is kept up like the services below: same folder, same port.
  if (postgres.exited)
    keepServerUp('postgres', postgres.exited, () =>
      ensurePostgres({ appRole: APP_ROLE, ...(postgres.port ? { port: postgres.port } : {}) }),
    );
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  say(
    `PostgreSQL ready${postgres.owned ? ` (local cluster in ${postgres.dataDir ?? '?'})` : ''} after ${elapsed()}`,
  );

  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalUi = process.env.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const temporalOptions = {
      port: portFromEnv('WAKEFLOW_TEMPORAL_PORT', 7233),
      uiPort: portFromEnv('WAKEFLOW_TEMPORAL_UI_PORT', 8233),
      namespace,
      // A dev server left over from an earlier run (e.g. killed terminal) is simply reused.
      reuseExisting: true,
    };
    const temporal = await startTemporalDevServer(temporalOptions);
    if (temporal.pid !== undefined)
      await record({ name: 'temporal', pid: temporal.pid, match: 'temporal', group: true });
    // A dev server this script started is kept up too; its SQLite file keeps the workflows across a restart.
    if (temporal.exited)
      keepServerUp('temporal', temporal.exited, () => startTemporalDevServer(temporalOptions));
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
    say(
      `Temporal ready at ${temporal.address}${temporal.owned ? ` (log ${temporal.logFile})` : ' (already running)'} after ${elapsed()}`,
    );
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WAKEFLOW_SECRET_KEY: process.env.WAKEFLOW_SECRET_KEY ?? (await localSecretKey()),
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    API_PORT: String(apiPort),
    WEB_PORT: String(webPort),
    // The first-run experience: no accounts yet, so the local machine acts as the default workspace's admin.
    // The API refuses this on a public address unless WAKEFLOW_ADMIN_PASSWORD is set.
    WAKEFLOW_AUTH: process.env.WAKEFLOW_AUTH ?? 'local',
  };
  const pnpmExec = (pkg: string, ...args: string[]): string[] => ['--filter', pkg, 'exec', ...args];

  const migrate = entry('packages/db', 'src/migrate-cli.ts');
  if (migrate) {
    await runCommand({
      name: 'migrate',
      command: 'pnpm',
      args: pnpmExec('@wakeflow/db', 'tsx', migrate),
      env,
      cwd: root,
      output: 'prefix',
    });
  }
  // WAKEFLOW_SEED=0 skips the demo data.
  const seed = process.env.WAKEFLOW_SEED === '0' ? undefined : entry('apps/api', 'src/seed-cli.ts');
  if (seed) {
    await runCommand({
      name: 'seed',
      command: 'pnpm',
      args: pnpmExec('@wakeflow/api', 'tsx', seed),
      env,
      cwd: root,
      output: 'prefix',
    });
  }

  // E.g. WAKEFLOW_START_SERVICES=api,web to run the worker yourself (debugger, watch mode).
  const wanted = new Set(
    (process.env.WAKEFLOW_START_SERVICES || 'worker,api,web').split(',').map((s) => s.trim()),
  );
  const service = (name: string, pkgDir: string, file: string): string | undefined =>
    wanted.has(name) ? entry(pkgDir, file) : undefined;
  // Each service is kept up: one that stops on its own is started again with a back-off, and the others go on
  // (a crashed worker only delays runs; Temporal hands its work to the new one).
  const keepUp = (name: string, start: () => ManagedProcess): void => {
    supervise({
      name,
      start,
      onStart: (proc) => record({ name: proc.name, pid: proc.pid, match: 'pnpm', group: true }),
      say,
    });
  };
  const worker = service('worker', 'apps/worker', 'src/main.ts');
  if (worker) {
    keepUp('worker', () =>
      spawnManaged({
        name: 'worker',
        command: 'pnpm',
        args: pnpmExec('@wakeflow/worker', 'tsx', worker),
        env,
        cwd: root,
      }),
    );
  }
  const api = service('api', 'apps/api', 'src/main.ts');
  if (api) {
    keepUp('api', () =>
      spawnManaged({
        name: 'api',
        command: 'pnpm',
        args: pnpmExec('@wakeflow/api', 'tsx', ...backtestNodeFlags, api),
        env: { ...env, PORT: String(apiPort) },
        cwd: root,
      }),
    );
  }
  const web = service('web', 'apps/web', 'index.html');
  if (web) {
    keepUp('web', () =>
      spawnManaged({
        name: 'web',
        command: 'pnpm',
        args: pnpmExec('@wakeflow/web', 'vite', '--port', String(webPort), '--strictPort'),
        env,
        cwd: root,
      }),
    );
  }

  const waits: Array<Promise<boolean>> = [];
  if (api) waits.push(waitForPort(apiPort, '127.0.0.1', 120_000));
  if (web) waits.push(waitForPort(webPort, 'localhost', 120_000));
  const ready = await Promise.all(waits);
  if (ready.includes(false))
    throw new Error('the API or the web app did not open its port within 120s; see the output above');

  const open = web ? `http://localhost:${webPort}` : api ? `http://localhost:${apiPort}` : undefined;
  process.stdout.write(
    `\n  Wakeflow is running: open ${open ?? '(no web app yet)'}   ·   Temporal UI: ${temporalUi ?? '(external Temporal)'}` +
      `   ·   ready in ${elapsed()}, Ctrl-C to stop\n\n`,
  );
}

main().catch(async (err: unknown) => {
  process.stderr.write(`[start] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  await stopAll();
  process.exit(1);
});
