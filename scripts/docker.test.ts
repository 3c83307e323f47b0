/**
 * The container images cannot be built here (no Docker), so what they rely on is checked by reading them: every file
 * they copy and start exists, they start the apps from the entry points scripts/start.ts starts, the pnpm they
 * install is the repository's, the compose file builds them only under its `app` profile, and the web image's
 * nginx gets the editor's security headers from their one source.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, securityHeaders, serializeCsp } from '../apps/web/security-headers';
import { nginxSecurityHeaders } from './web-nginx-headers';
import { backtestNodeFlags } from './node-flags';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const images = ['docker/api.Dockerfile', 'docker/worker.Dockerfile', 'docker/web.Dockerfile'];

/** Dockerfile instructions with their continuation lines joined. */
function instructions(file: string): string[] {
  return read(file)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The services of docker-compose.yml, each with its own lines (two-space indented keys under `services:`). */
function composeServices(): Map<string, string> {
  const text = read('docker-compose.yml');
  const body = text.slice(text.indexOf('\nservices:\n'), text.indexOf('\nvolumes:\n'));
  const services = new Map<string, string>();
  for (const block of body.split(/\n(?= {2}[a-z-]+:\n)/).slice(1)) {
    const name = /^ {2}([a-z-]+):/.exec(block)![1]!;
    services.set(name, block);
  }
  return services;
}

describe('the Dockerfiles', () => {
  it('copy only files that exist in the repository', () => {
    for (const image of images) {
      for (const line of instructions(image).filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
        const sources = line.split(/\s+/).slice(1, -1);
        for (const source of sources.filter((s) => s !== '.'))
          expect(existsSync(path.join(root, source)), `${image}: ${source}`).toBe(true);
      }
    }
  });

  it('start the API and the worker from the entry points scripts/start.ts starts', () => {
    const start = read('scripts/start.ts');
    for (const [image, app] of [
      ['docker/api.Dockerfile', 'api'],
      ['docker/worker.Dockerfile', 'worker'],
    ] as const) {
      const cmd = instructions(image).find((l) => l.startsWith('CMD '))!;
      const entry = `apps/${app}/src/main.ts`;
      const flags = app === 'api' ? backtestNodeFlags : [];
      expect(JSON.parse(cmd.slice(4))).toEqual(['node_modules/.bin/tsx', ...flags, entry]);
      expect(existsSync(path.join(root, entry))).toBe(true);
      expect(start).toContain(`service('${app}', 'apps/${app}', 'src/main.ts')`);
    }
    // `pnpm backtest` runs with the same flags as the API's backtests.
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.backtest).toBe(`tsx ${backtestNodeFlags.join(' ')} scripts/backtest.ts`);
    // The API's health check asks the route the app answers.
    expect(read('docker/api.Dockerfile')).toContain("'/healthz'");
    expect(read('apps/api/src/app.ts')).toContain("app.get('/healthz'");
  });

  it('install the pnpm the repository names, and run scripts and files that exist', () => {
    const pkg = JSON.parse(read('package.json')) as {
      packageManager: string;
      devDependencies: Record<string, string>;
    };
    const web = JSON.parse(read('apps/web/package.json')) as {
      name: string;
      scripts: Record<string, string>;
    };
    for (const image of images) {
      expect(read(image)).toContain(`ARG PNPM_VERSION=${pkg.packageManager.replace(/^pnpm@/, '')}`);
    }
    // tsx runs the apps' TypeScript at start: it must be installed by the root package.
    expect(pkg.devDependencies.tsx).toBeDefined();
    const webImage = read('docker/web.Dockerfile');
    expect(webImage).toContain(`pnpm --filter ${web.name} build`);
    expect(web.scripts.build).toBe('vite build');
    expect(webImage).toContain('tsx scripts/web-nginx-headers.ts');
    expect(existsSync(path.join(root, 'scripts/web-nginx-headers.ts'))).toBe(true);
    // nginx includes the headers file where the image puts it.
    expect(webImage).toContain('/etc/nginx/wakeflow-security-headers.conf');
    expect(read('docker/web.nginx.conf')).toContain('include /etc/nginx/wakeflow-security-headers.conf;');
    expect(read('.dockerignore')).toMatch(/^\*\*\/node_modules$/m);
    expect(read('.dockerignore')).toMatch(/^\.data$/m);
  });
});

describe('docker-compose.yml', () => {
  it('builds the three images only under the app profile; plain `up` starts PostgreSQL and Temporal alone', () => {
    const services = composeServices();
    expect([...services.keys()].sort()).toEqual(['api', 'postgres', 'temporal', 'web', 'worker']);
    for (const name of ['postgres', 'temporal']) expect(services.get(name)).not.toContain('profiles:');
    for (const [name, image] of [
      ['api', 'docker/api.Dockerfile'],
      ['worker', 'docker/worker.Dockerfile'],
      ['web', 'docker/web.Dockerfile'],
    ] as const) {
      const block = services.get(name)!;
      expect(block, name).toContain('profiles: [app]');
      expect(block, name).toContain(`dockerfile: ${image}`);
    }
    // `${VAR:?…}` would make plain `docker compose up` fail when the app's variables are unset.
    expect(read('docker-compose.yml')).not.toMatch(/\$\{\w+:\?/);
  });
});

describe('the web image’s security headers', () => {
  it('are the ones the API sends with the built editor', () => {
    const lines = nginxSecurityHeaders().trim().split('\n');
    expect(lines[0]).toBe(
      `add_header Content-Security-Policy "${serializeCsp(contentSecurityPolicy)}" always;`,
    );
    expect(lines.slice(1)).toEqual(
      Object.entries(securityHeaders).map(([name, value]) => `add_header ${name} "${value}" always;`),
    );
  });
});
