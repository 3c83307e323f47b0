import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium, lookupChromium } from './chromium.js';

async function withFakeBin<T>(names: string[], fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'devstack-chromium-'));
  try {
    await mkdir(dir, { recursive: true });
    for (const name of names) {
      await writeFile(path.join(dir, name), '#!/bin/sh\n');
      await chmod(path.join(dir, name), 0o755);
    }
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('chromium lookup', () => {
  it('prefers WAKEFLOW_CHROMIUM', async () => {
    await withFakeBin(['my-chrome', 'chromium'], async (dir) => {
      const env = { WAKEFLOW_CHROMIUM: path.join(dir, 'my-chrome'), PATH: dir };
      expect(await lookupChromium(env)).toBe(path.join(dir, 'my-chrome'));
    });
  });

  it('rejects a WAKEFLOW_CHROMIUM that is not executable', async () => {
    await expect(lookupChromium({ WAKEFLOW_CHROMIUM: '/nonexistent/chrome' })).rejects.toThrow(
      /WAKEFLOW_CHROMIUM/,
    );
  });

  it('checks /usr/bin/chromium, then PATH names in order', async () => {
    await withFakeBin(['google-chrome', 'chromium-browser'], async (dir) => {
      const expected = existsSync('/usr/bin/chromium')
        ? '/usr/bin/chromium'
        : path.join(dir, 'chromium-browser');
      expect(await lookupChromium({ PATH: dir })).toBe(expected);
    });
  });

  it('explains how to install when nothing is found and installing is off', async () => {
    if (existsSync('/usr/bin/chromium')) return; // the fixed path always wins on machines that have it
    await expect(findChromium({ env: { PATH: '/nonexistent' }, install: false })).rejects.toThrow(
      /apt-get install chromium/,
    );
  });

  it('exports launch args that keep the browser off the network and sandbox-free', () => {
    expect(CHROMIUM_ARGS).toEqual(
      expect.arrayContaining([
        '--headless',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-quic',
      ]),
    );
  });
});
