/**
 * `tsx packages/channels/bench/send.bench.ts`: messages per second through the whole send path — render, record,
 * rules, SMTP to a local smtp-server, status update — on one process, and the latency the rules add.
 * Uses a fresh test database (WAKEFLOW_TEST_DATABASE_URL / DATABASE_URL / local postgres) and drops it afterwards.
 */
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '@wakeflow/db/testing';
import { messages } from '@wakeflow/db';
import { createMessageSender, createProvider, deriveSecretKeys, saveChannelSettings } from '../src/index';
import {
  seedCustomer,
  seedJourney,
  seedRun,
  seedTemplate,
  sendRequest,
  startSmtpServer,
  WORKSPACE,
} from '../test/helpers';

const COUNT = Number(process.env.BENCH_MESSAGES ?? 1_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const keys = deriveSecretKeys('f'.repeat(64));
const tdb = await createTestDatabase();
// BENCH_ASYNC_COMMIT=1 shows how much of the latency is WAL flushes on this machine's disk (not a production setting).
if (process.env.BENCH_ASYNC_COMMIT === '1')
  await tdb.pool.query(`alter database "${new URL(tdb.url).pathname.slice(1)}" set synchronous_commit = off`);
const smtp = await startSmtpServer();
try {
  // BENCH_PROVIDER=log measures the path without SMTP (the development outbox provider).
  if (process.env.BENCH_PROVIDER !== 'log')
    await createProvider(tdb.db, keys, WORKSPACE, {
      id: 'bench-smtp',
      channel: 'email',
      kind: 'smtp',
      settings: {
        host: '127.0.0.1',
        port: smtp.port,
        fromAddress: 'bench@shop.example',
        maxConnections: CONCURRENCY,
      },
      isDefault: true,
    });
  await seedTemplate(tdb.db, { id: 'welcome' });
  // High enough that the cap never bites, low enough not to matter: we measure cost, not policy.
  await saveChannelSettings(tdb.db, WORKSPACE, {
    rateLimits: { email: 10_000 },
    frequencyCap: { limit: 100 },
  });
  const { journeyId } = await seedJourney(tdb.db);
  const customers = await Promise.all(Array.from({ length: COUNT }, () => seedCustomer(tdb.db)));
  const runs = await Promise.all(customers.map((c) => seedRun(tdb.db, c, journeyId)));

  const sender = createMessageSender({
    db: tdb.db,
    keys,
    publicBaseUrl: 'https://wakeflow.example',
    addressPolicy: { allowPrivateNetworks: false, allowedHosts: ['127.0.0.1'] },
  });
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < runs.length) {
        const run = runs[next++]!;
        const t0 = performance.now();
        const result = await sender.send(
          sendRequest(run, 'bench', { context: { entry: {}, steps: { offer: { code: 'B-1' } } } }),
        );
        latencies.push(performance.now() - t0);
        if (result.status !== 'sent') throw new Error(`not sent: ${result.status} ${result.reason}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (process.env.BENCH_PROVIDER !== 'log')
    while (smtp.received.length < COUNT) await new Promise((r) => setTimeout(r, 10));

  // The rules' share: the same sequence of queries the rules run (settings, consent/customer, cap check under the
  // advisory lock), timed alone for one customer.
  const {
    loadChannelSettings,
    countedDispatches,
    decideFrequencyCap,
    lockCustomerForCap,
    nextAllowedSendTime,
  } = await import('../src/index');
  const ruleTimes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    const settings = await loadChannelSettings(tdb.db, WORKSPACE);
    nextAllowedSendTime(new Date(), 'Asia/Shanghai', 'email', settings.quietHours, undefined);
    await tdb.db.transaction(async (tx) => {
      await lockCustomerForCap(tx, customers[0]!);
      const counted = await countedDispatches(
        tx,
        customers[0]!,
        new Date(),
        settings.frequencyCap,
        '00000000-0000-0000-0000-000000000000',
      );
      decideFrequencyCap(counted, 5, new Date(), settings.frequencyCap);
    });
    ruleTimes.push(performance.now() - t0);
  }
  await sender.close();

  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const sent = await tdb.db.$count(messages, eq(messages.status, 'sent'));
  console.log(
    `messages: ${COUNT} sent=${sent} received by SMTP=${smtp.received.length}, concurrency ${CONCURRENCY}`,
  );
  console.log(
    `throughput: ${(COUNT / seconds).toFixed(0)} messages/s (render + record + rules + SMTP + status)`,
  );
  console.log(
    `send latency: p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`,
  );
  console.log(
    `rules alone (settings + quiet hours + cap check under lock): p50 ${pct(ruleTimes, 50).toFixed(2)} ms, p95 ${pct(ruleTimes, 95).toFixed(2)} ms`,
  );
} finally {
  await smtp.close();
  await tdb.drop();
}
