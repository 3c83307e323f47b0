/**
 * Whether a locked version lies in an advisory's `vulnerable_versions` range, without a semver dependency: the
 * dependency check runs before anything is installed and should not trust what it is checking. Covers npm's range
 * grammar (`||`, comparators, x-ranges, `~`, `^`, hyphen ranges) and answers as node-semver does with
 * `includePrerelease`: a prerelease inside a vulnerable span counts as vulnerable, even when the range names none.
 */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): SemVer | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4]?.split('.') ?? [],
  };
}

function compareIdentifiers(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  if (numeric.test(a)) return -1;
  if (numeric.test(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core) return Math.sign(core);
  if (!a.prerelease.length || !b.prerelease.length)
    return Math.sign(b.prerelease.length - a.prerelease.length);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c) return Math.sign(c);
  }
  return 0;
}

type Operator = '<' | '<=' | '>' | '>=' | '=';
interface Comparator {
  op: Operator;
  version: SemVer;
}

/** A version with up to three parts given (`1`, `1.2`, `1.2.x`, `*`): how many, and their values. */
interface Partial {
  parts: number[];
  prerelease: string[];
}

const PARTIAL =
  /^v?(?:([0-9]+|[xX*])(?:\.([0-9]+|[xX*])(?:\.([0-9]+|[xX*])(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?)?)?)?$/;

function parsePartial(text: string): Partial {
  const m = PARTIAL.exec(text);
  if (!m) throw new Error(`Not a version: ${text}`);
  const parts: number[] = [];
  for (const p of [m[1], m[2], m[3]]) {
    if (p === undefined || /^[xX*]$/.test(p)) break;
    parts.push(Number(p));
  }
  return { parts, prerelease: parts.length === 3 && m[4] ? m[4].split('.') : [] };
}

const v = (major: number, minor = 0, patch = 0, prerelease: string[] = []): SemVer => ({
  major,
  minor,
  patch,
  prerelease,
});
/** The next major/minor/patch, below every prerelease of it (node-semver's `-0`). */
const bump = (parts: number[]): SemVer => {
  const [major = 0, minor = 0] = parts;
  if (parts.length === 1) return v(major + 1, 0, 0, ['0']);
  if (parts.length === 2) return v(major, minor + 1, 0, ['0']);
  return v(major, minor, (parts[2] ?? 0) + 1, ['0']);
};
/** The lowest version a partial admits, its prereleases included. */
const floor = (p: Partial): SemVer =>
  v(p.parts[0] ?? 0, p.parts[1] ?? 0, p.parts[2] ?? 0, p.prerelease.length ? p.prerelease : ['0']);
const exact = (p: Partial): SemVer => v(p.parts[0] ?? 0, p.parts[1] ?? 0, p.parts[2] ?? 0, p.prerelease);

function desugar(token: string): Comparator[] {
  const m = /^(<=|>=|<|>|=|~>?|\^)?(.*)$/.exec(token)!;
  const op = m[1] ?? '';
  const p = parsePartial(m[2] ?? '');
  const n = p.parts.length;
  if (op === '~' || op === '~>') {
    if (n === 0) return [];
    return [
      { op: '>=', version: n === 3 ? exact(p) : floor(p) },
      { op: '<', version: bump(n === 1 ? p.parts : p.parts.slice(0, 2)) },
    ];
  }
  if (op === '^') {
    if (n === 0) return [];
    const [major = 0, minor = 0] = p.parts;
    // The first non-zero part of those given is the one that may not change.
    const fixed = major > 0 || n === 1 ? 1 : minor > 0 || n === 2 ? 2 : 3;
    return [
      { op: '>=', version: n === 3 ? exact(p) : floor(p) },
      { op: '<', version: bump(p.parts.slice(0, fixed)) },
    ];
  }
  if (n === 3) return [{ op: op === '' ? '=' : (op as Operator), version: exact(p) }];
  if (n === 0) return op === '<' || op === '>' ? [{ op: '<', version: v(0, 0, 0, ['0']) }] : [];
  switch (op) {
    case '':
    case '=':
      return [
        { op: '>=', version: floor(p) },
        { op: '<', version: bump(p.parts) },
      ];
    case '>':
      return [{ op: '>=', version: bump(p.parts) }];
    case '>=':
      return [{ op: '>=', version: floor(p) }];
    case '<':
      return [{ op: '<', version: v(p.parts[0] ?? 0, p.parts[1] ?? 0, 0, ['0']) }];
    default:
      return [{ op: '<', version: bump(p.parts) }];
  }
}

function parseComparatorSet(text: string): Comparator[] {
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) {
    const low = parsePartial(hyphen[1]!);
    const high = parsePartial(hyphen[2]!);
    const set: Comparator[] = low.parts.length ? [{ op: '>=', version: floor(low) }] : [];
    if (high.parts.length === 3) set.push({ op: '<=', version: exact(high) });
    else if (high.parts.length) set.push({ op: '<', version: bump(high.parts) });
    return set;
  }
  return text
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((token) => desugar(token));
}

function test(c: Comparator, version: SemVer): boolean {
  const d = compareVersions(version, c.version);
  switch (c.op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '=':
      return d === 0;
  }
}

/** Whether `version` satisfies `range`. Throws on a range or version it cannot read (better than a silent no). */
export function satisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`Not a version: ${version}`);
  // `>= 1.2.3` and `>= 1.0, < 1.2` (GitHub's spelling) appear in advisory data.
  const normalised = range
    .replace(/,/g, ' ')
    .trim()
    .replace(/(<=|>=|<|>|=|~>?|\^)\s+/g, '$1');
  return normalised
    .split('||')
    .map((set) => parseComparatorSet(set.trim()))
    .some((set) => set.every((c) => test(c, parsed)));
}
