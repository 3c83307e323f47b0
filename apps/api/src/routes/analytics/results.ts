/**
 * Journey results from the analytics rollups (JSON or CSV), each run's conversion, and the check of a journey's
 * measurement settings (conversion events that exist, window, holdout) for the editor and publish.
 */
import { Router } from 'express';
import { and, eq } from 'drizzle-orm';
import { checkMeasurementSettings, loadJourneyResults, resultsToCsv } from '@wakeflow/analytics';
import { conversions, messages, runSummaries, runs } from '@wakeflow/db';
import type { ApiDeps } from '../../deps';
import { analyticsRoutes as contract } from '@wakeflow/contracts';
import { answer } from '../../http/answer';
import { HttpError, notFound, parseInput } from '../../http/errors';
import { workspaceOf } from '../../http/workspace';

export function analyticsResultRoutes(deps: ApiDeps): Router {
  const { db } = deps;
  const router = Router();

  router.get('/journeys/:id/results', async (req, res) => {
    const { id } = parseInput(contract.results.params, req.params, 'params');
    const query = parseInput(contract.results.query, req.query, 'query');
    const results = await loadJourneyResults(db, workspaceOf(res), id, {
      groupBy: query.groupBy,
      ...(query.version !== undefined ? { version: query.version } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
    });
    if (!results) throw notFound('Journey');
    if (query.format === 'csv') {
      const name = `journey-${id}${query.version ? `-v${query.version}` : ''}-by-${query.groupBy}.csv`;
      res.type('text/csv').attachment(name).send(resultsToCsv(results));
      return;
    }
    answer(res, contract.results, 200, results);
  });

  router.get('/runs/:id/conversion', async (req, res) => {
    const { id } = parseInput(contract.runConversion.params, req.params, 'params');
    const workspaceId = workspaceOf(res);
    const [run] = await db
      .select({
        id: runs.id,
        holdout: runSummaries.holdout,
        arm: runSummaries.arm,
        messagesSent: runSummaries.messagesSent,
        costMicros: runSummaries.costMicros,
        couponCents: runSummaries.couponCents,
        spendBefore: runSummaries.spendBefore,
        spendAfterEntry: runSummaries.spendAfterEntry,
        spendAfterConversion: runSummaries.spendAfterConversion,
      })
      .from(runs)
      .leftJoin(runSummaries, eq(runSummaries.runId, runs.id))
      .where(and(eq(runs.id, id), eq(runs.workspaceId, workspaceId)));
    if (!run) throw notFound('Run');
    const [conversion] = await db
      .select({
        eventId: conversions.eventId,
        convertedAt: conversions.convertedAt,
        arm: conversions.arm,
        value: conversions.value,
        lastMessageId: conversions.lastMessageId,
        lastMessageNodeId: messages.nodeId,
        lastMessageChannel: messages.channel,
      })
      .from(conversions)
      .leftJoin(
        messages,
        and(eq(messages.id, conversions.lastMessageId), eq(messages.workspaceId, workspaceId)),
      )
      .where(and(eq(conversions.runId, id), eq(conversions.workspaceId, workspaceId)));
    answer(res, contract.runConversion, 200, {
      runId: id,
      converted: conversion !== undefined,
      conversion: conversion ?? null,
      summary: run,
    });
  });

  router.post('/analytics/measurement/check', async (req, res) => {
    const body = parseInput(contract.checkMeasurement.body, req.body, 'body');
    const problems = await checkMeasurementSettings(db, workspaceOf(res), body.settings);
    if (problems.length > 0)
      throw new HttpError(422, 'measurement_invalid', problems[0]!.message, { problems });
    answer(res, contract.checkMeasurement, 200, { problems: [] });
  });

  return router;
}
