/**
 * `pnpm bench send`: messages per second through the whole send path — render, record, rules, SMTP to a local
 * smtp-server, status update — on one process, and the latency the rules add; then the same path on the log
 * provider one message at a time (`send`, BENCH_CONCURRENCY at once, as a cohort's node batch called it) against
 * `sendBatch` in batches of BENCH_BATCH, one at a time and BENCH_BATCHES_IN_FLIGHT (2) at once, side by side, email
 * and SMS for each of BENCH_CUSTOMERS customers.
 * Uses a fresh test database (WAKEFLOW_TEST_DATABASE_URL / DATABASE_URL / local postgres) and drops it afterwards.
 */
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '@wakeflow/db/testing';
import { messages, providers } from '@wakeflow/db';
import type { SendRequest } from '@wakeflow/nodes';
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
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 4_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
/** Batches in flight at once in the last comparison (cohorts at the same step on one worker). */
const IN_FLIGHT = Number(process.env.BENCH_BATCHES_IN_FLIGHT ?? 2);

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

  // One at a time against batches, on the log provider (the outbox): what the sender itself costs.
  await tdb.db.delete(providers).where(eq(providers.id, 'bench-smtp'));
  await seedTemplate(tdb.db, {
    id: 'bench-sms',
    channel: 'sms',
    subject: null,
    html: null,
    body: 'Hi {{ customer.first_name }}, code {{ steps.offer.code }}',
  });
  await saveChannelSettings(tdb.db, WORKSPACE, {
    rateLimits: { email: 10_000, sms: 10_000 },
    frequencyCap: { limit: 100 },
  });
  const context = { entry: {}, steps: { offer: { code: 'B-1' } } };
  /** Email and SMS for each customer of a fresh set (a run each), as the canonical journey's first touch. */
  const firstTouch = async (label: string) => {
    const ids: string[] = [];
    for (let i = 0; i < CUSTOMERS; i += 500)
      ids.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(500, CUSTOMERS - i) }, () => seedCustomer(tdb.db)),
        )),
      );
    const runList = [];
    for (let i = 0; i < ids.length; i += 500)
      runList.push(...(await Promise.all(ids.slice(i, i + 500).map((c) => seedRun(tdb.db, c, journeyId)))));
    return {
      email: runList.map((r) => sendRequest(r, `${label}_email`, { context })),
      sms: runList.map((r) =>
        sendRequest(r, `${label}_sms`, { channel: 'sms', templateId: 'bench-sms', context }),
      ),
    };
  };
  const one = await firstTouch('one');
  const many = await firstTouch('many');
  const parallel = await firstTouch('parallel');
  const logSender = createMessageSender({
    db: tdb.db,
    keys,
    publicBaseUrl: 'https://wakeflow.example',
  });
  const check = (status: string, reason?: string) => {
    if (status !== 'sent') throw new Error(`not sent: ${status} ${reason}`);
  };

  let t0 = performance.now();
  for (const step of [one.email, one.sms]) {
    let at = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (at < step.length) {
          const result = await logSender.send(step[at++]!);
          check(result.status, result.reason);
        }
      }),
    );
  }
  const singleSeconds = (performance.now() - t0) / 1000;

  t0 = performance.now();
  const batchTimes: number[] = [];
  for (const step of [many.email, many.sms]) {
    for (let i = 0; i < step.length; i += BATCH) {
      const b0 = performance.now();
      const batch: SendRequest[] = step.slice(i, i + BATCH);
      for (const result of await logSender.sendBatch(batch)) check(result.status, result.reason);
      batchTimes.push(performance.now() - b0);
    }
  }
  const batchSeconds = (performance.now() - t0) / 1000;

  t0 = performance.now();
  for (const step of [parallel.email, parallel.sms]) {
    const batches: SendRequest[][] = [];
    for (let i = 0; i < step.length; i += BATCH) batches.push(step.slice(i, i + BATCH));
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift())
          for (const result of await logSender.sendBatch(batch)) check(result.status, result.reason);
      }),
    );
  }
  const parallelSeconds = (performance.now() - t0) / 1000;
  await logSender.close();

  const messageCount = CUSTOMERS * 2;
  const singleRate = messageCount / singleSeconds;
  const batchRate = messageCount / batchSeconds;
  console.log(
    `\nlog provider, ${CUSTOMERS} customers × (email + SMS) = ${messageCount} messages each way, cap and rate limit on:`,
  );
  console.log(
    `  send, ${CONCURRENCY} at a time:     ${singleRate.toFixed(0)} messages/s (${(CUSTOMERS / singleSeconds).toFixed(0)} customers/s)`,
  );
  console.log(
    `  sendBatch, batches of ${BATCH}: ${batchRate.toFixed(0)} messages/s (${(CUSTOMERS / batchSeconds).toFixed(0)} customers/s), one batch p50 ${pct(batchTimes, 50).toFixed(0)} ms`,
  );
  console.log(`  ratio: ${(batchRate / singleRate).toFixed(1)}×`);
  console.log(
    `  sendBatch, ${IN_FLIGHT} batches of ${BATCH} in flight: ${(messageCount / parallelSeconds).toFixed(0)} messages/s (${(CUSTOMERS / parallelSeconds).toFixed(0)} customers/s), ${(messageCount / parallelSeconds / singleRate).toFixed(1)}× send`,
  );
} finally {
  await smtp.close();
  await tdb.drop();
}
