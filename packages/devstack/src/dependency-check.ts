/**
 * The offline dependency check (`pnpm deps:check`, run by scripts/test.sh): reads pnpm-lock.yaml and refuses what
 * an install could not verify — a package from git or from a tarball URL without an integrity hash, a package
 * without an integrity hash at all — and every locked version that a checked-in advisory snapshot
 * (security/advisories.json, refreshed by `pnpm deps:advisories`) lists as vulnerable. `pnpm audit` needs the
 * registry's audit service at the moment it runs; this needs nothing but the repository.
 */
import { satisfies } from './semver-range.js';

export interface LockedPackage {
  name: string;
  /** A version, or for git and tarball packages the URL they were locked from. */
  version: string;
  /** The lockfile's `resolution` map: `integrity`, `tarball`, `type`, `repo`, `commit`… */
  resolution: Record<string, string>;
}

/** One advisory as the registry's bulk endpoint answers it (`POST /-/npm/v1/security/advisories/bulk`). */
export interface Advisory {
  id: number;
  url: string;
  title: string;
  severity: string;
  vulnerable_versions: string;
}

/** The registry's bulk answer: advisories by package name. */
export type BulkAdvisories = Record<string, Advisory[]>;

export interface AdvisorySnapshot {
  /** When `pnpm deps:advisories` last fetched it; null when it never could. */
  fetchedAt: string | null;
  source: string;
  /** SHA-256 of the pnpm-lock.yaml it was fetched for: another lockfile may hold versions it never asked about. */
  lockfileSha256: string | null;
  advisories: BulkAdvisories;
}

/** An advisory accepted on purpose (no fix without a major upgrade, not reachable from our code…), with why. */
export interface AcceptedAdvisory {
  id: number;
  package: string;
  reason: string;
}

export interface DependencyProblem {
  package: string;
  kind: 'git_source' | 'tarball_without_integrity' | 'no_integrity' | 'advisory';
  message: string;
}

function unquote(value: string): string {
  if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  if (value.startsWith('"') && value.endsWith('"')) return String(JSON.parse(value));
  return value;
}

/** `{integrity: sha512-…, tarball: 'https://…'}`: YAML flow plain scalars cannot contain commas, quoted ones can. */
function parseFlowMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const m of text.matchAll(/([\w-]+):\s*('(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^,}]*)/g))
    map[m[1]!] = unquote(m[2]!.trim());
  return map;
}

/** `@scope/name@1.2.3` or `name@https://…`: the name ends at the first `@` after the scope. */
export function splitPackageKey(key: string): { name: string; version: string } {
  const at = key.indexOf('@', key.startsWith('@') ? key.indexOf('/') : 0);
  return at <= 0 ? { name: key, version: '' } : { name: key.slice(0, at), version: key.slice(at + 1) };
}

/**
 * The `packages:` section of a pnpm v9 lockfile (the format pnpm 9 and 10 write). Line-based on purpose: pnpm writes
 * this section in one fixed layout, and the check should not need a YAML library installed to run.
 */
export function parseLockedPackages(lockfile: string): LockedPackage[] {
  const version = /^lockfileVersion:\s*'?(\d+)/m.exec(lockfile)?.[1];
  if (version !== '9') throw new Error(`Expected a pnpm lockfile version 9, found ${version ?? 'none'}`);
  const lines = lockfile.split(/\r?\n/);
  const start = lines.indexOf('packages:');
  if (start < 0) return [];
  const packages: LockedPackage[] = [];
  let current: LockedPackage | null = null;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const key = /^ {2}(\S.*):$/.exec(line);
    if (key) {
      current = { ...splitPackageKey(unquote(key[1]!)), resolution: {} };
      packages.push(current);
      continue;
    }
    const resolution = /^ {4}resolution:\s*\{(.*)\}\s*$/.exec(line);
    if (resolution && current) current.resolution = parseFlowMap(resolution[1]!);
  }
  return packages;
}

function sourceProblem(p: LockedPackage): DependencyProblem | null {
  const r = p.resolution;
  const id = `${p.name}@${p.version}`;
  if (r.type === 'git' || r.repo !== undefined)
    return {
      package: id,
      kind: 'git_source',
      message: `${p.name} comes from git (${r.repo ?? p.version}${r.commit ? `#${r.commit}` : ''}): no integrity hash pins its content; publish it to a registry or vendor it`,
    };
  if (!r.integrity && r.tarball !== undefined)
    return {
      package: id,
      kind: 'tarball_without_integrity',
      message: `${p.name} comes from the tarball ${r.tarball} without an integrity hash: whatever that URL serves next is installed`,
    };
  if (!r.integrity)
    return {
      package: id,
      kind: 'no_integrity',
      message: `${id} has no integrity hash in pnpm-lock.yaml`,
    };
  return null;
}

export function checkLockedPackages(
  packages: readonly LockedPackage[],
  advisories: BulkAdvisories,
  accepted: readonly AcceptedAdvisory[] = [],
): DependencyProblem[] {
  const problems: DependencyProblem[] = [];
  for (const p of packages) {
    const source = sourceProblem(p);
    if (source) problems.push(source);
    for (const a of advisories[p.name] ?? []) {
      if (accepted.some((x) => x.id === a.id && x.package === p.name)) continue;
      // Git and tarball packages have a URL for a version: the source check above covers them.
      if (!/^\d/.test(p.version)) continue;
      if (!satisfies(p.version, a.vulnerable_versions)) continue;
      problems.push({
        package: `${p.name}@${p.version}`,
        kind: 'advisory',
        message: `${p.name}@${p.version}: ${a.severity} — ${a.title} (${a.url}; vulnerable ${a.vulnerable_versions})`,
      });
    }
  }
  return problems;
}

/** The body of a bulk advisory request: every locked registry version, by name. */
export function advisoryQuery(packages: readonly LockedPackage[]): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const p of packages) {
    if (!/^\d/.test(p.version)) continue;
    const versions = (query[p.name] ??= []);
    if (!versions.includes(p.version)) versions.push(p.version);
  }
  return query;
}

function isAdvisory(value: unknown): value is Advisory {
  return (
    isRecord(value) &&
    typeof value.id === 'number' &&
    typeof value.vulnerable_versions === 'string' &&
    typeof value.title === 'string' &&
    typeof value.severity === 'string' &&
    typeof value.url === 'string'
  );
}

/** Reads a bulk answer, refusing anything of another shape rather than recording "no advisories". */
export function parseBulkAdvisories(value: unknown): BulkAdvisories {
  if (!isRecord(value)) throw new Error('The advisory answer is not an object of package names');
  const out: BulkAdvisories = {};
  for (const [name, list] of Object.entries(value)) {
    if (!Array.isArray(list) || !list.every(isAdvisory))
      throw new Error(`The advisories of ${name} are not in the bulk advisory format`);
    out[name] = list.map((a) => ({
      id: a.id,
      url: a.url,
      title: a.title,
      severity: a.severity,
      vulnerable_versions: a.vulnerable_versions,
    }));
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseAdvisorySnapshot(text: string): AdvisorySnapshot {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value)) throw new Error('The advisory snapshot is not an object');
  const { fetchedAt, source, lockfileSha256, advisories } = value;
  if (fetchedAt !== null && typeof fetchedAt !== 'string')
    throw new Error('fetchedAt must be a date or null');
  return {
    fetchedAt,
    source: typeof source === 'string' ? source : '',
    lockfileSha256: typeof lockfileSha256 === 'string' ? lockfileSha256 : null,
    advisories: parseBulkAdvisories(advisories),
  };
}

function isAccepted(value: unknown): value is AcceptedAdvisory {
  return (
    isRecord(value) &&
    typeof value.id === 'number' &&
    typeof value.package === 'string' &&
    typeof value.reason === 'string' &&
    value.reason.trim() !== ''
  );
}

export function parseAcceptedAdvisories(text: string): AcceptedAdvisory[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every(isAccepted))
    throw new Error('Accepted advisories: a list of { id, package, reason } with a reason for each');
  return value;
}
