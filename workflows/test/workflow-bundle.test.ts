/**
 * What the workers' workflow bundle loads. The Temporal SDK evaluates a workflow's imports again for every run it keeps
 * cached, so schema libraries in the bundle cost memory per waiting customer (zod: ~2 MiB each, issue 15): workflow code
 * takes its run-time values from the zod-free `@wakeflow/journey/machine`.
 */
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '@wakeflow/testing';

/** Source paths of the modules webpack put in the bundle (its module ids are the paths). */
function bundledModules(code: string): string[] {
  return [...new Set(code.match(/"\.\/[^"\s]+\.(?:ts|js|cjs|mjs)"/g) ?? [])].map((m) => m.slice(1, -1));
}

describe('workflow bundle', () => {
  it('loads no zod, luxon or package index of the domain core', async () => {
    const modules = bundledModules((await workflowBundle()).code);
    expect(modules).toContain('./workflows/src/journey-run.ts');
    expect(modules).toContain('./packages/journey/src/machine/journey-machine.ts');
    expect(modules.filter((m) => /\/(zod|luxon)\/|packages\/journey\/src\/index\.ts/.test(m))).toEqual([]);
  });
});
