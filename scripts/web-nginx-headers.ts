/**
 * `tsx scripts/web-nginx-headers.ts`: the built editor's security headers (apps/web/security-headers.ts, the ones
 * the API sends with it) as nginx `add_header` lines, for the web image's nginx (docker/web.Dockerfile), so the
 * policy has one source.
 */
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy, securityHeaders, serializeCsp } from '../apps/web/security-headers';

export function nginxSecurityHeaders(): string {
  const headers: [string, string][] = [
    ['Content-Security-Policy', serializeCsp(contentSecurityPolicy)],
    ...Object.entries(securityHeaders),
  ];
  for (const [name, value] of headers)
    if (/["\\\n]/.test(value)) throw new Error(`${name} has a character nginx would need escaped: ${value}`);
  return headers.map(([name, value]) => `add_header ${name} "${value}" always;\n`).join('');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.stdout.write(nginxSecurityHeaders());
