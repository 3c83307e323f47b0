export { findRepoRoot, dataDir, toolsDir, logsDir } from './paths.js';
export { withFileLock, type LockOptions } from './lock.js';
export { getFreePort, getFreePorts, isPortOpen, waitForPort } from './ports.js';
export { which, isExecutable } from './which.js';
export {
  spawnManaged,
  runCommand,
  stopAll,
  onShutdown,
  managedProcesses,
  isShuttingDown,
  type SpawnOptions,
  type RunOptions,
  type ManagedProcess,
  type ExitInfo,
  type OutputMode,
} from './processes.js';
export {
  findTemporalCli,
  findTemporalTestServer,
  TEMPORAL_CLI_PIP,
  TEMPORAL_TEST_SERVER_PIP,
  type BinaryLookupOptions,
} from './temporal-binaries.js';
export {
  startTemporalDevServer,
  waitForTemporal,
  type TemporalDevServer,
  type TemporalDevServerOptions,
} from './temporal-dev-server.js';
export {
  ensurePostgres,
  canQuery,
  startEmbeddedPostgres,
  createTestDatabase,
  ensureDatabase,
  findPostgresBinaries,
  DEFAULT_PG_PORT,
  DEFAULT_DATABASE,
  type PostgresHandle,
  type EnsurePostgresOptions,
  type PostgresBinaries,
  type TestDatabase,
} from './postgres.js';
export { findChromium, lookupChromium, CHROMIUM_ARGS, type ChromiumLookupOptions } from './chromium.js';
export {
  parseLockedPackages,
  splitPackageKey,
  checkLockedPackages,
  advisoryQuery,
  parseBulkAdvisories,
  parseAdvisorySnapshot,
  parseAcceptedAdvisories,
  type LockedPackage,
  type Advisory,
  type BulkAdvisories,
  type AdvisorySnapshot,
  type AcceptedAdvisory,
  type DependencyProblem,
} from './dependency-check.js';
export { restartDelayMs, supervise, type Supervised, type SuperviseOptions } from './supervise.js';
export { satisfies, parseVersion, compareVersions, type SemVer } from './semver-range.js';
