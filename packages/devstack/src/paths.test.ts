import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, findRepoRoot, toolsDir } from './paths.js';

describe('paths', () => {
  it('finds the repo root by walking up to pnpm-workspace.yaml', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'devstack-root-'));
    try {
      await writeFile(path.join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
      const deep = path.join(root, 'a', 'b', 'c');
      await mkdir(deep, { recursive: true });
      expect(findRepoRoot(deep)).toBe(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('defaults the data folder to <repo>/.data and honours WAKEFLOW_DATA_DIR', () => {
    expect(dataDir({})).toBe(path.join(findRepoRoot(), '.data'));
    expect(dataDir({ WAKEFLOW_DATA_DIR: '/tmp/wf-data' })).toBe('/tmp/wf-data');
    expect(toolsDir({ WAKEFLOW_DATA_DIR: '/tmp/wf-data' })).toBe('/tmp/wf-data/tools');
  });
});
