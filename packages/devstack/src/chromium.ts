import { existsSync } from 'node:fs';
import path from 'node:path';
import { aptInstall, canAptInstall } from './apt.js';
import { isExecutable, which } from './which.js';

/** Flags for headless Chromium in tests: no sandbox (we run as root), and nothing that reaches the network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface ChromiumLookupOptions {
  env?: NodeJS.ProcessEnv;
  /** Install with apt-get when missing (default: true, unless WAKEFLOW_NO_INSTALL=1; needs root on Debian). */
  install?: boolean;
  log?: (line: string) => void;
}

const FIXED_PATHS = ['/usr/bin/chromium'];
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** Order: WAKEFLOW_CHROMIUM, /usr/bin/chromium, then chromium / chromium-browser / google-chrome on PATH. */
export async function lookupChromium(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const fromEnv = env.WAKEFLOW_CHROMIUM;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return path.resolve(fromEnv);
    throw new Error(`WAKEFLOW_CHROMIUM=${fromEnv} is not an executable file`);
  }
  for (const p of FIXED_PATHS) if (await isExecutable(p)) return p;
  for (const name of PATH_NAMES) {
    const found = await which(name, env.PATH);
    if (found) return found;
  }
  return undefined;
}

/** Path of a Chromium/Chrome binary for headless tests; as root on Debian it is installed with apt-get if missing. */
export async function findChromium(options: ChromiumLookupOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => void process.stderr.write(`[devstack] ${line}\n`));
  const found = await lookupChromium(env);
  if (found) return found;
  const install = options.install ?? env.WAKEFLOW_NO_INSTALL !== '1';
  const howTo =
    'Chromium not found: install it (Debian/Ubuntu: `sudo apt-get install chromium`, macOS: install Google Chrome) ' +
    'or set WAKEFLOW_CHROMIUM to the browser binary.';
  if (!install || !(await canAptInstall())) throw new Error(howTo);
  try {
    // The apt lock serialises concurrent installers; the second one then finds the binary below.
    await aptInstall(['chromium'], log);
  } catch (err) {
    throw new Error(
      `${howTo}\napt-get install chromium failed: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
  const installed = await lookupChromium(env);
  if (installed) return installed;
  if (existsSync('/usr/lib/chromium/chromium')) return '/usr/lib/chromium/chromium';
  throw new Error(howTo);
}
