/**
 * docs/api.md's examples, run: every ```sh block is executed with bash against a started API (required sign-in, a
 * real `admin` API key, a live journey with the API trigger), must exit 0, and when a ```json block follows, its
 * output must have the same shape (the same keys, recursively; values differ run to run).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './auth/harness';

const run = promisify(execFile);
const docPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/api.md');

interface Example {
  script: string;
  answer?: unknown;
  line: number;
}

/** The sh blocks of the document, each with the json block right after it (if any). */
function examplesOf(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/```(sh|json)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1]!,
    body: m[2]!,
    line: markdown.slice(0, m.index).split('\n').length,
  }));
  const examples: Example[] = [];
  blocks.forEach((block, i) => {
    if (block.lang !== 'sh') return;
    const next = blocks[i + 1];
    examples.push({
      script: block.body,
      line: block.line,
      ...(next?.lang === 'json' ? { answer: JSON.parse(next.body.replace(/"[^"]*…[^"]*"/g, '"x"')) } : {}),
    });
  });
  return examples;
}

/** Keys all the way down, with arrays by their first item: what an answer looks like, not what it says. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0])] : [];
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  return value === null ? 'null' : typeof value;
}

describe('docs/api.md', () => {
  let h: Harness;
  let server: Server;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    h = await createHarness();
    const manager = await h.person('a', ['campaign_manager']);
    const created = await h.as(manager, 'POST', '/api/journeys').send({
      name: 'Entered by the CRM',
      graph: {
        nodes: [
          { id: 't', type: 'api_trigger', config: {} },
          { id: 'x', type: 'exit', config: { outcome: 'done' } },
        ],
        edges: [{ source: 't', target: 'x' }],
      },
    });
    expect(created.status).toBe(201);
    const published = await h.as(manager, 'POST', `/api/journeys/${created.body.id}/publish`).send({});
    expect(published.status).toBe(201);
    server = h.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    env = {
      PATH: process.env.PATH,
      WAKEFLOW_URL: `http://127.0.0.1:${port}`,
      WAKEFLOW_API_KEY: await h.apiKey('a', 'admin'),
      JOURNEY_ID: created.body.id,
    };
  });
  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    await h?.close();
  });

  it('has examples for keys, customers, events, idempotency, entering, rate limits and errors', async () => {
    const examples = examplesOf(await readFile(docPath, 'utf8'));
    expect(examples.length).toBeGreaterThanOrEqual(7);
    // In order: later examples rely on earlier ones (the customer exists, the event was sent once).
    for (const example of examples) {
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', example.script], { env }).catch(
        (error: { stdout?: string; stderr?: string }) => {
          throw new Error(`docs/api.md:${example.line} failed: ${error.stderr ?? ''} ${error.stdout ?? ''}`);
        },
      );
      if (example.answer !== undefined)
        expect(shapeOf(JSON.parse(stdout)), `docs/api.md:${example.line}`).toEqual(shapeOf(example.answer));
    }
  });

  it('serves the reference it points to without a key', async () => {
    const res = await request(h.app).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe('Wakeflow API');
  });
});
