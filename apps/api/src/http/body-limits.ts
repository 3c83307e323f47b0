/**
 * JSON body size limits: 1 MB for ordinary requests (the largest journey or template is far below), 20 MB for
 * ingest batches (10,000 events) and uploaded run histories. Anything larger is a 413 before it is parsed.
 */
import express, { type RequestHandler } from 'express';

const small = express.json({ limit: '1mb' });
const large = express.json({ limit: '20mb' });

/** Runs after the access middleware, which has classified the route. */
export function jsonBodies(): RequestHandler {
  return (req, res, next) => {
    const rule = (res.locals.route as { rule?: string } | undefined)?.rule;
    return (rule === 'ingest' || rule === 'runs.replay' ? large : small)(req, res, next);
  };
}
