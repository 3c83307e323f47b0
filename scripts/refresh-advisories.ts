/**
 * `pnpm deps:advisories [url]`: asks the npm registry's bulk advisory endpoint about every version locked in
 * pnpm-lock.yaml and writes the answer to security/advisories.json, which `pnpm deps:check` reads offline. Needs
 * the registry to accept POST requests (some mirrors and proxies answer 405); the snapshot stays as it was when the
 * request fails.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  advisoryQuery,
  checkLockedPackages,
  parseBulkAdvisories,
  parseLockedPackages,
  type AdvisorySnapshot,
} from '@wakeflow/devstack';

const endpoint = process.argv[2] ?? 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk';
const path = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const lockfile = readFileSync(path('pnpm-lock.yaml'), 'utf8');
const packages = parseLockedPackages(lockfile);
const query = advisoryQuery(packages);

const response = await fetch(endpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify(query),
  signal: AbortSignal.timeout(120_000),
}).catch((error: unknown) => {
  console.error(`deps:advisories: ${endpoint} is not reachable: ${String(error)}`);
  process.exit(1);
});
if (!response.ok) {
  console.error(
    `deps:advisories: ${endpoint} answered ${response.status} ${response.statusText}; security/advisories.json is unchanged. Run this where the registry's advisory service is reachable (or use \`pnpm audit\` there).`,
  );
  process.exit(1);
}
const advisories = parseBulkAdvisories(await response.json());
const snapshot: AdvisorySnapshot = {
  fetchedAt: new Date().toISOString(),
  source: endpoint,
  lockfileSha256: createHash('sha256').update(lockfile).digest('hex'),
  advisories: Object.fromEntries(Object.entries(advisories).sort(([a], [b]) => a.localeCompare(b))),
};
writeFileSync(path('security/advisories.json'), `${JSON.stringify(snapshot, null, 2)}\n`);
const affected = checkLockedPackages(packages, advisories).filter((p) => p.kind === 'advisory');
console.log(
  `deps:advisories: asked about ${Object.keys(query).length} packages; ${Object.keys(advisories).length} have advisories, ${affected.length} locked versions affected. Wrote security/advisories.json.`,
);
