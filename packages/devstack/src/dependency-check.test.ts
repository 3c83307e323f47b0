import { describe, expect, it } from 'vitest';
import {
  advisoryQuery,
  checkLockedPackages,
  parseAcceptedAdvisories,
  parseAdvisorySnapshot,
  parseBulkAdvisories,
  parseLockedPackages,
  splitPackageKey,
  type Advisory,
} from './dependency-check';
import { satisfies } from './semver-range';

const INTEGRITY =
  'sha512-Aup7aUOfpbAUg2ROOJN6Iw5f9DMBlzu0mIkm/malLQFN/YQgO48wCj0Kxa3sEHJvPVFg7siR+qRInwXd2qhQKw==';

const lockfile = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    devDependencies:
      lodash:
        specifier: ^4.17.0
        version: 4.17.20

packages:

  '@babel/code-frame@7.29.7':
    resolution: {integrity: ${INTEGRITY}}
    engines: {node: '>=6.9.0'}

  lodash@4.17.20:
    resolution: {integrity: ${INTEGRITY}}

  lodash@4.17.21:
    resolution: {integrity: ${INTEGRITY}}

  from-git@https://codeload.github.com/someone/from-git/tar.gz/0123abc:
    resolution: {tarball: https://codeload.github.com/someone/from-git/tar.gz/0123abc}
    version: 1.0.0

  git-repo@git+https://github.com/someone/git-repo.git#0123abc:
    resolution: {commit: 0123abc, repo: 'https://github.com/someone/git-repo.git', type: git}
    version: 2.0.0

  pinned-tarball@https://example.com/pinned-1.0.0.tgz:
    resolution: {integrity: ${INTEGRITY}, tarball: https://example.com/pinned-1.0.0.tgz}
    version: 1.0.0

  no-hash@1.0.0:
    resolution: {tarball: 'https://registry.example/no-hash/-/no-hash-1.0.0.tgz'}

  empty@1.0.0:
    engines: {node: '>=18'}

snapshots:

  lodash@4.17.20: {}
`;

const advisory = (over: Partial<Advisory>): Advisory => ({
  id: 1,
  url: 'https://github.com/advisories/GHSA-xxxx',
  title: 'Prototype pollution',
  severity: 'high',
  vulnerable_versions: '<4.17.21',
  ...over,
});

describe('reading pnpm-lock.yaml', () => {
  it('reads every package of the packages section with its resolution, and nothing of the others', () => {
    const packages = parseLockedPackages(lockfile);
    expect(packages.map((p) => `${p.name} ${p.version}`)).toEqual([
      '@babel/code-frame 7.29.7',
      'lodash 4.17.20',
      'lodash 4.17.21',
      'from-git https://codeload.github.com/someone/from-git/tar.gz/0123abc',
      'git-repo git+https://github.com/someone/git-repo.git#0123abc',
      'pinned-tarball https://example.com/pinned-1.0.0.tgz',
      'no-hash 1.0.0',
      'empty 1.0.0',
    ]);
    expect(packages[0]!.resolution).toEqual({ integrity: INTEGRITY });
    expect(packages[4]!.resolution).toEqual({
      commit: '0123abc',
      repo: 'https://github.com/someone/git-repo.git',
      type: 'git',
    });
    expect(packages[6]!.resolution).toEqual({
      tarball: 'https://registry.example/no-hash/-/no-hash-1.0.0.tgz',
    });
  });

  it('splits scoped names and URL versions at the right @', () => {
    expect(splitPackageKey('@types/node@20.19.43')).toEqual({ name: '@types/node', version: '20.19.43' });
    expect(splitPackageKey('x@git+ssh://git@github.com/a/x.git#1')).toEqual({
      name: 'x',
      version: 'git+ssh://git@github.com/a/x.git#1',
    });
  });

  it('refuses a lockfile format it was not written for', () => {
    expect(() => parseLockedPackages("lockfileVersion: '6.0'\n")).toThrow(/version 9/);
  });
});

describe('the dependency check', () => {
  it('flags git sources, tarballs without a hash and packages without integrity; passes pinned ones', () => {
    const problems = checkLockedPackages(parseLockedPackages(lockfile), {});
    expect(problems.map((p) => [p.package.split('@')[0], p.kind])).toEqual([
      ['from-git', 'tarball_without_integrity'],
      ['git-repo', 'git_source'],
      ['no-hash', 'tarball_without_integrity'],
      ['empty', 'no_integrity'],
    ]);
    expect(problems[1]!.message).toContain('https://github.com/someone/git-repo.git#0123abc');
  });

  it('flags locked versions inside an advisory range, not those outside, unless accepted with a reason', () => {
    const packages = parseLockedPackages(lockfile).filter((p) => p.resolution.integrity);
    const advisories = {
      lodash: [advisory({ id: 7 })],
      '@babel/code-frame': [advisory({ id: 8, vulnerable_versions: '>=7.0.0 <7.29.7 || >=8.0.0-0 <8.0.1' })],
    };
    const problems = checkLockedPackages(packages, advisories);
    expect(problems).toEqual([
      {
        package: 'lodash@4.17.20',
        kind: 'advisory',
        message:
          'lodash@4.17.20: high — Prototype pollution (https://github.com/advisories/GHSA-xxxx; vulnerable <4.17.21)',
      },
    ]);
    expect(
      checkLockedPackages(packages, advisories, [{ id: 7, package: 'lodash', reason: 'not reachable' }]),
    ).toEqual([]);
  });

  it('asks the advisory service about every locked registry version once', () => {
    expect(advisoryQuery(parseLockedPackages(lockfile))).toEqual({
      '@babel/code-frame': ['7.29.7'],
      lodash: ['4.17.20', '4.17.21'],
      'no-hash': ['1.0.0'],
      empty: ['1.0.0'],
    });
  });
});

describe('advisory files', () => {
  it('reads the bulk format and refuses other shapes instead of recording "no advisories"', () => {
    const bulk = { lodash: [{ ...advisory({}), cwe: ['CWE-1321'], cvss: { score: 7.4 } }] };
    expect(parseBulkAdvisories(bulk)).toEqual({ lodash: [advisory({})] });
    expect(() => parseBulkAdvisories({ error: 'nope' })).toThrow(/lodash|error/);
    expect(() => parseBulkAdvisories([])).toThrow();
    expect(parseAdvisorySnapshot('{"fetchedAt":null,"source":"x","advisories":{}}')).toEqual({
      fetchedAt: null,
      source: 'x',
      lockfileSha256: null,
      advisories: {},
    });
    expect(() => parseAdvisorySnapshot('{"fetchedAt":null,"source":"x"}')).toThrow();
  });

  it('needs a reason for every accepted advisory', () => {
    expect(() => parseAcceptedAdvisories('[{"id":1,"package":"x","reason":" "}]')).toThrow(/reason/);
    expect(parseAcceptedAdvisories('[{"id":1,"package":"x","reason":"dev only"}]')).toHaveLength(1);
  });
});

describe('version ranges as advisories write them', () => {
  const cases: [string, string, boolean][] = [
    ['4.17.20', '<4.17.21', true],
    ['4.17.21', '<4.17.21', false],
    ['7.5.1', '>=7.0.0 <7.5.2', true],
    ['6.9.9', '>=7.0.0 <7.5.2', false],
    ['2.0.2', '>=1.0.0 <1.5.1 || >=2.0.0 <2.0.3', true],
    ['1.6.0', '>=1.0.0 <1.5.1 || >=2.0.0 <2.0.3', false],
    ['1.2.9', '>= 1.0.0, < 1.3.0', true],
    ['0.2.9', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.0', '1.x', true],
    ['2.3.4', '1.2.3 - 2.3.4', true],
    ['2.3.5', '1.2.3 - 2.3.4', false],
    ['2.0.0-beta.1', '>=2.0.0-beta.1 <2.0.0', true],
    ['2.0.0', '>=2.0.0-beta.1 <2.0.0', false],
    ['3.0.0', '*', true],
    ['1.2.3', '<=1.2', true],
    ['1.3.0', '<=1.2', false],
  ];
  it.each(cases)('%s in %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('refuses what it cannot read rather than answering "not vulnerable"', () => {
    expect(() => satisfies('1.0.0', '>=banana')).toThrow();
    expect(() => satisfies('latest', '*')).toThrow();
  });
});
