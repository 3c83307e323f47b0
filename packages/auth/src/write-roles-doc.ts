/** Rewrites docs/roles.md from the code (run after changing roles or the route table). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRolesDoc } from './roles-doc';

const target = fileURLToPath(new URL('../../../docs/roles.md', import.meta.url));
writeFileSync(target, renderRolesDoc());
console.log(`wrote ${target}`);
