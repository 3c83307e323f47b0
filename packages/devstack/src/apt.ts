import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withFileLock } from './lock.js';
import { runCommand } from './processes.js';
import { which } from './which.js';

/** apt-get can only help as root on a Debian-like system. */
export async function canAptInstall(): Promise<boolean> {
  return (
    process.getuid?.() === 0 && existsSync('/etc/debian_version') && (await which('apt-get')) !== undefined
  );
}

let updated = false;

/**
 * `apt-get install -y <packages>`, serialised machine-wide by a lock file (dpkg's own lock makes a second
 * concurrent apt-get fail instead of wait). Runs `apt-get update` first once per process, since a fresh machine's
 * package lists may be empty or old.
 */
export async function aptInstall(
  packages: readonly string[],
  log: (line: string) => void = (line) => void process.stderr.write(`[devstack] ${line}\n`),
): Promise<void> {
  const lockPath = path.join(os.tmpdir(), 'wakeflow-apt.lock');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await withFileLock(
    lockPath,
    async () => {
      if (!updated) {
        log('apt-get update …');
        await runCommand({
          name: 'apt-get',
          command: 'apt-get',
          args: ['update'],
          env,
          timeoutMs: 10 * 60_000,
        });
        updated = true;
      }
      log(`apt-get install -y ${packages.join(' ')} …`);
      await runCommand({
        name: 'apt-get',
        command: 'apt-get',
        args: ['install', '-y', ...packages],
        env,
        timeoutMs: 20 * 60_000,
      });
    },
    { onWait: () => log('waiting for another apt-get run to finish …') },
  );
}
