/**
 * The API app on a journey bench, wired like main.ts but in local auth mode (every request is an admin of the
 * bench's 'test' workspace; sign-in, roles and workspaces are tested in test/auth/). Tests add what they exercise,
 * e.g. `schedules`.
 */
import type { JourneyBench } from '@wakeflow/testing';
import { createApp } from '../../src/app';
import { checkAnswersAgainstReference } from './contract-check';

// Every answer of the tests that use this app is checked against the OpenAPI document.
checkAnswersAgainstReference();

type AppInput = Parameters<typeof createApp>[0];

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createBenchApp(
  bench: JourneyBench,
  extra: Partial<AppInput> = {},
): ReturnType<typeof createApp> {
  return createApp({
    db: bench.database.db,
    catalog: bench.catalog,
    temporal: bench.env.client,
    starter: bench.starter,
    events: bench.router,
    // The bench's drainer (over bench.router), so tests can wait for ingested events to be routed
    // (`bench.outbox.drainAll()`); a test that brings its own router gets a drainer over that one.
    ...(extra.events ? {} : { eventOutbox: bench.outbox }),
    logger: silentLogger,
    defaultWorkspaceId: 'test',
    auth: { mode: 'local' },
    ...extra,
  });
}
