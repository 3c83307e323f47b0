/**
 * `pnpm deps:check` (also run by scripts/test.sh): the offline dependency check over pnpm-lock.yaml — sources and
 * integrity hashes, and the checked-in advisory snapshot. The rules are in packages/devstack/src/dependency-check.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  checkLockedPackages,
  parseAcceptedAdvisories,
  parseAdvisorySnapshot,
  parseLockedPackages,
} from '@wakeflow/devstack';

const path = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
const lockfile = readFileSync(path('pnpm-lock.yaml'), 'utf8');
const snapshot = parseAdvisorySnapshot(readFileSync(path('security/advisories.json'), 'utf8'));
const acceptedFile = path('security/accepted-advisories.json');
const accepted = existsSync(acceptedFile) ? parseAcceptedAdvisories(readFileSync(acceptedFile, 'utf8')) : [];

const packages = parseLockedPackages(lockfile);
const problems = checkLockedPackages(packages, snapshot.advisories, accepted);
const withAdvisories = Object.values(snapshot.advisories).filter((list) => list.length > 0).length;
console.log(
  `deps:check: ${packages.length} locked packages; advisory snapshot ${
    snapshot.fetchedAt
      ? `of ${snapshot.fetchedAt} (${withAdvisories} packages with advisories)`
      : 'never fetched'
  }; ${accepted.length} accepted advisories`,
);
// Warnings, not failures: a machine without the advisory service cannot refresh, and must still be able to test.
if (!snapshot.fetchedAt)
  console.warn(
    'deps:check: the advisory snapshot is empty. Where the registry answers POST requests, run `pnpm deps:advisories` (or `pnpm audit`) and commit security/advisories.json.',
  );
else if (snapshot.lockfileSha256 !== createHash('sha256').update(lockfile).digest('hex'))
  console.warn(
    'deps:check: pnpm-lock.yaml changed since the advisory snapshot was fetched; versions added since were not looked up. Run `pnpm deps:advisories` where the advisory service is reachable.',
  );
for (const p of problems) console.error(`  ${p.kind}: ${p.message}`);
if (problems.length) {
  console.error(
    `deps:check: ${problems.length} problem(s). Fix the dependency, or accept an advisory with a reason in security/accepted-advisories.json.`,
  );
  process.exit(1);
}
