-- Analytics rollups kept current by triggers (docs/measurement.md, "How figures are maintained").
-- Why triggers: every writer of runs, run_steps, messages, coupons and conversions (workflow activities, the message
-- sender, coupon redemption, conversion recording, bulk imports) moves the figures in the same transaction, with
-- no code in those areas, and a set-based insert of a million rows costs one aggregate per statement: all triggers
-- are statement-level with transition tables.
-- Flow: runs/messages/coupons/conversions -> run_summaries (one row per run) -> journey_daily_rollups (delta: the
-- old contribution of a changed summary out, the new one in); run_steps/messages/conversions -> journey_node_daily_rollups.

CREATE OR REPLACE FUNCTION analytics_arm_key(arms jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(CASE WHEN count(*) = 1 THEN min(value) ELSE string_agg(key || '=' || value, '&' ORDER BY key) END, '')
  FROM jsonb_each_text(coalesce(arms, '{}'::jsonb))
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_ltv_days(ws text) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT (settings->'analytics'->>'ltvWindowDays')::integer FROM workspaces WHERE id = ws), 90)
$$;
--> statement-breakpoint

-- Rollup deltas from run_summaries: one function per operation, because each sees different transition tables.
CREATE OR REPLACE FUNCTION analytics_summaries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO journey_daily_rollups AS r (workspace_id, journey_id, version, day, holdout, arm, entered, messaged, messages_sent,
    cost_micros, coupon_cents, converted, conversion_value, spend_before, spend_before_converted, spend_after_entry,
    spend_after_entry_sq, spend_after_conversion)
  SELECT x.workspace_id, x.journey_id, x.version, x.day, x.holdout, x.arm, count(*), count(*) FILTER (WHERE x.messages_sent > 0),
    sum(x.messages_sent), sum(x.cost_micros), sum(x.coupon_cents), count(*) FILTER (WHERE x.converted), sum(x.conversion_value),
    sum(x.spend_before), sum(CASE WHEN x.converted THEN x.spend_before ELSE 0 END), sum(x.spend_after_entry),
    sum(x.spend_after_entry * x.spend_after_entry), sum(x.spend_after_conversion)
  FROM new_rows x
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (journey_id, version, day, holdout, arm) DO UPDATE SET
    entered = r.entered + excluded.entered, messaged = r.messaged + excluded.messaged,
    messages_sent = r.messages_sent + excluded.messages_sent, cost_micros = r.cost_micros + excluded.cost_micros,
    coupon_cents = r.coupon_cents + excluded.coupon_cents, converted = r.converted + excluded.converted,
    conversion_value = r.conversion_value + excluded.conversion_value, spend_before = r.spend_before + excluded.spend_before,
    spend_before_converted = r.spend_before_converted + excluded.spend_before_converted,
    spend_after_entry = r.spend_after_entry + excluded.spend_after_entry,
    spend_after_entry_sq = r.spend_after_entry_sq + excluded.spend_after_entry_sq,
    spend_after_conversion = r.spend_after_conversion + excluded.spend_after_conversion;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_summaries_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH delta AS (
    SELECT x.*, 1 AS sign FROM new_rows x
    UNION ALL
    SELECT y.*, -1 AS sign FROM old_rows y
  )
  INSERT INTO journey_daily_rollups AS r (workspace_id, journey_id, version, day, holdout, arm, entered, messaged, messages_sent,
    cost_micros, coupon_cents, converted, conversion_value, spend_before, spend_before_converted, spend_after_entry,
    spend_after_entry_sq, spend_after_conversion)
  SELECT d.workspace_id, d.journey_id, d.version, d.day, d.holdout, d.arm, sum(d.sign),
    sum(d.sign * (d.messages_sent > 0)::int), sum(d.sign * d.messages_sent), sum(d.sign * d.cost_micros),
    sum(d.sign * d.coupon_cents), sum(d.sign * d.converted::int), sum(d.sign * d.conversion_value),
    sum(d.sign * d.spend_before), sum(d.sign * CASE WHEN d.converted THEN d.spend_before ELSE 0 END),
    sum(d.sign * d.spend_after_entry), sum(d.sign * d.spend_after_entry * d.spend_after_entry), sum(d.sign * d.spend_after_conversion)
  FROM delta d
  GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (journey_id, version, day, holdout, arm) DO UPDATE SET
    entered = r.entered + excluded.entered, messaged = r.messaged + excluded.messaged,
    messages_sent = r.messages_sent + excluded.messages_sent, cost_micros = r.cost_micros + excluded.cost_micros,
    coupon_cents = r.coupon_cents + excluded.coupon_cents, converted = r.converted + excluded.converted,
    conversion_value = r.conversion_value + excluded.conversion_value, spend_before = r.spend_before + excluded.spend_before,
    spend_before_converted = r.spend_before_converted + excluded.spend_before_converted,
    spend_after_entry = r.spend_after_entry + excluded.spend_after_entry,
    spend_after_entry_sq = r.spend_after_entry_sq + excluded.spend_after_entry_sq,
    spend_after_conversion = r.spend_after_conversion + excluded.spend_after_conversion;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_summaries_inserted AFTER INSERT ON run_summaries REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_summaries_inserted();
--> statement-breakpoint
CREATE TRIGGER analytics_summaries_updated AFTER UPDATE ON run_summaries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_summaries_updated();
--> statement-breakpoint

-- Runs: a new run gets its summary (with the spend of the N days before it went dormant); a split arm or holdout
-- decided later moves it.
CREATE OR REPLACE FUNCTION analytics_runs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO run_summaries (run_id, workspace_id, journey_id, version, day, holdout, arm, spend_before)
  SELECT n.id, n.workspace_id, n.journey_id, n.version, (n.started_at AT TIME ZONE 'UTC')::date, n.holdout, analytics_arm_key(n.arms),
    coalesce((
      SELECT sum(d.spend) FROM customers c JOIN customer_daily_activity d ON d.customer_id = c.id
      WHERE c.id = n.customer_id AND c.last_activity_at IS NOT NULL
        AND d.day <= (least(c.last_activity_at, n.started_at) AT TIME ZONE 'UTC')::date
        AND d.day > (least(c.last_activity_at, n.started_at) AT TIME ZONE 'UTC')::date - analytics_ltv_days(n.workspace_id)
    ), 0)
  FROM new_rows n
  ON CONFLICT (run_id) DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_runs_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE run_summaries s SET holdout = n.holdout, arm = analytics_arm_key(n.arms)
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE s.run_id = n.id AND (n.holdout IS DISTINCT FROM o.holdout OR n.arms IS DISTINCT FROM o.arms);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_runs_inserted AFTER INSERT ON runs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_runs_inserted();
--> statement-breakpoint
CREATE TRIGGER analytics_runs_updated AFTER UPDATE ON runs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_runs_updated();
--> statement-breakpoint

-- Run steps: reached (entered) and left, per node.
CREATE OR REPLACE FUNCTION analytics_steps_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, reached, "left")
  SELECT s.workspace_id, s.journey_id, s.version, s.day, n.node_id, count(*), count(*) FILTER (WHERE n.left_at IS NOT NULL)
  FROM new_rows n JOIN run_summaries s ON s.run_id = n.run_id
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET reached = r.reached + excluded.reached, "left" = r."left" + excluded."left";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_steps_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, "left")
  SELECT s.workspace_id, s.journey_id, s.version, s.day, n.node_id, count(*)
  FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN run_summaries s ON s.run_id = n.run_id
  WHERE n.left_at IS NOT NULL AND o.left_at IS NULL
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET "left" = r."left" + excluded."left";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_steps_inserted AFTER INSERT ON run_steps REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_steps_inserted();
--> statement-breakpoint
CREATE TRIGGER analytics_steps_updated AFTER UPDATE ON run_steps REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_steps_updated();
--> statement-breakpoint

-- Messages: counted (with their unit cost) when they become `sent`; skipped and failed sends cost nothing.
CREATE OR REPLACE FUNCTION analytics_apply_sent(sent_run uuid[], sent_node text[], sent_cost bigint[]) RETURNS void LANGUAGE sql AS $$
  WITH sent AS (SELECT * FROM unnest(sent_run, sent_node, sent_cost) AS t(run_id, node_id, cost)),
  nodes AS (
    INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, messages_sent, cost_micros)
    SELECT s.workspace_id, s.journey_id, s.version, s.day, coalesce(m.node_id, ''), count(*), sum(m.cost)
    FROM sent m JOIN run_summaries s ON s.run_id = m.run_id
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET
      messages_sent = r.messages_sent + excluded.messages_sent, cost_micros = r.cost_micros + excluded.cost_micros
  )
  UPDATE run_summaries s SET messages_sent = s.messages_sent + p.n, cost_micros = s.cost_micros + p.cost
  FROM (SELECT run_id, count(*) AS n, sum(cost) AS cost FROM sent GROUP BY run_id) p
  WHERE s.run_id = p.run_id
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_apply_sent(array_agg(n.run_id), array_agg(n.node_id), array_agg(coalesce(n.cost_micros, 0)::bigint))
  FROM new_rows n WHERE n.status = 'sent' AND n.run_id IS NOT NULL HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_messages_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_apply_sent(array_agg(n.run_id), array_agg(n.node_id), array_agg(coalesce(n.cost_micros, 0)::bigint))
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE n.status = 'sent' AND o.status <> 'sent' AND n.run_id IS NOT NULL HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_messages_inserted AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_messages_inserted();
--> statement-breakpoint
CREATE TRIGGER analytics_messages_updated AFTER UPDATE ON messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_messages_updated();
--> statement-breakpoint

-- Coupons: the face value of a redeemed code is a cost of the run that claimed it (claim key `<workflowId>#<node>`).
CREATE OR REPLACE FUNCTION analytics_apply_redeemed(ws text[], workflow text[], cents bigint[]) RETURNS void LANGUAGE sql AS $$
  UPDATE run_summaries s SET coupon_cents = s.coupon_cents + p.cents
  FROM (
    SELECT r.id AS run_id, sum(t.cents) AS cents
    FROM unnest(ws, workflow, cents) AS t(workspace_id, workflow_id, cents)
    JOIN runs r ON r.workflow_id = t.workflow_id AND r.workspace_id = t.workspace_id
    GROUP BY r.id
  ) p
  WHERE s.run_id = p.run_id
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_coupons_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_apply_redeemed(array_agg(n.workspace_id), array_agg(split_part(n.claim_key, '#', 1)), array_agg(n.value_cents::bigint))
  FROM new_rows n WHERE n.redeemed_at IS NOT NULL AND n.claim_key LIKE '%#%' HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_coupons_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM analytics_apply_redeemed(array_agg(n.workspace_id), array_agg(split_part(n.claim_key, '#', 1)), array_agg(n.value_cents::bigint))
  FROM new_rows n JOIN old_rows o ON o.id = n.id
  WHERE n.redeemed_at IS NOT NULL AND o.redeemed_at IS NULL AND n.claim_key LIKE '%#%' HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_coupons_inserted AFTER INSERT ON coupons REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_coupons_inserted();
--> statement-breakpoint
CREATE TRIGGER analytics_coupons_updated AFTER UPDATE ON coupons REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_coupons_updated();
--> statement-breakpoint

-- Conversions: mark the run converted and credit the node of the last message before it (last touch). An update
-- (an earlier event arrived late and replaced the first one recorded) moves the credit.
CREATE OR REPLACE FUNCTION analytics_conversions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH c AS (
    SELECT n.run_id, n.value, n.converted_at, m.node_id FROM new_rows n LEFT JOIN messages m ON m.id = n.last_message_id
  ),
  nodes AS (
    INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, converted)
    SELECT s.workspace_id, s.journey_id, s.version, s.day, c.node_id, count(*)
    FROM c JOIN run_summaries s ON s.run_id = c.run_id WHERE c.node_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET converted = r.converted + excluded.converted
  )
  UPDATE run_summaries s SET converted = true, converted_at = c.converted_at, conversion_value = coalesce(c.value, 0)
  FROM c WHERE s.run_id = c.run_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_conversions_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH c AS (
    SELECT n.run_id, n.value, n.converted_at, mn.node_id AS new_node, mo.node_id AS old_node
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    LEFT JOIN messages mn ON mn.id = n.last_message_id
    LEFT JOIN messages mo ON mo.id = o.last_message_id
  ),
  moves AS (
    SELECT run_id, new_node AS node_id, 1 AS d FROM c WHERE new_node IS NOT NULL
    UNION ALL
    SELECT run_id, old_node, -1 FROM c WHERE old_node IS NOT NULL
  ),
  nodes AS (
    INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, converted)
    SELECT s.workspace_id, s.journey_id, s.version, s.day, m.node_id, sum(m.d)
    FROM moves m JOIN run_summaries s ON s.run_id = m.run_id
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET converted = r.converted + excluded.converted
  )
  UPDATE run_summaries s SET converted_at = c.converted_at, conversion_value = coalesce(c.value, 0)
  FROM c WHERE s.run_id = c.run_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER analytics_conversions_inserted AFTER INSERT ON conversions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_conversions_inserted();
--> statement-breakpoint
CREATE TRIGGER analytics_conversions_updated AFTER UPDATE ON conversions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_conversions_updated();
--> statement-breakpoint

-- Backfill: runs that existed before this migration get their summaries (which fills journey_daily_rollups
-- through the trigger above) and their node figures.
INSERT INTO run_summaries (run_id, workspace_id, journey_id, version, day, holdout, arm, messages_sent, cost_micros, coupon_cents,
  converted, converted_at, conversion_value)
SELECT r.id, r.workspace_id, r.journey_id, r.version, (r.started_at AT TIME ZONE 'UTC')::date, r.holdout, analytics_arm_key(r.arms),
  coalesce(m.n, 0), coalesce(m.cost, 0), coalesce(cp.cents, 0), cv.run_id IS NOT NULL, cv.converted_at, coalesce(cv.value, 0)
FROM runs r
LEFT JOIN (
  SELECT run_id, count(*) AS n, sum(coalesce(cost_micros, 0)) AS cost FROM messages WHERE status = 'sent' AND run_id IS NOT NULL GROUP BY run_id
) m ON m.run_id = r.id
LEFT JOIN (
  SELECT workspace_id, split_part(claim_key, '#', 1) AS workflow_id, sum(value_cents) AS cents FROM coupons
  WHERE redeemed_at IS NOT NULL AND claim_key LIKE '%#%' GROUP BY 1, 2
) cp ON cp.workflow_id = r.workflow_id AND cp.workspace_id = r.workspace_id
LEFT JOIN conversions cv ON cv.run_id = r.id
ON CONFLICT (run_id) DO NOTHING;
--> statement-breakpoint
INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, reached, "left", messages_sent, cost_micros, converted)
SELECT workspace_id, journey_id, version, day, node_id, sum(reached), sum("left"), sum(sent), sum(cost), sum(conv)
FROM (
  SELECT s.workspace_id, s.journey_id, s.version, s.day, st.node_id, 1 AS reached, (st.left_at IS NOT NULL)::int AS "left", 0 AS sent, 0::bigint AS cost, 0 AS conv
  FROM run_steps st JOIN run_summaries s ON s.run_id = st.run_id
  UNION ALL
  SELECT s.workspace_id, s.journey_id, s.version, s.day, coalesce(m.node_id, ''), 0, 0, 1, coalesce(m.cost_micros, 0)::bigint, 0
  FROM messages m JOIN run_summaries s ON s.run_id = m.run_id WHERE m.status = 'sent'
  UNION ALL
  SELECT s.workspace_id, s.journey_id, s.version, s.day, m.node_id, 0, 0, 0, 0, 1
  FROM conversions cv JOIN messages m ON m.id = cv.last_message_id JOIN run_summaries s ON s.run_id = cv.run_id WHERE m.node_id IS NOT NULL
) x
GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (journey_id, version, day, node_id) DO NOTHING;
