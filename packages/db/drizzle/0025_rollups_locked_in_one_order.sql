-- Every writer now changes a journey's daily rollup row before its node rollup rows. A run's registration and first
-- step write the run (its summary, then the journey's daily row) and then its steps (the node's row); marking a
-- message sent or recording a conversion changed the node's row first and the run's summary (so the journey's daily
-- row) after. Two runs of one journey doing one each, at the same node on the same day, waited on each other: a
-- deadlock, the send's bookkeeping failed and its activity was retried. The summary is now changed first; its
-- statement's trigger moves the daily row before the node row is touched.
CREATE OR REPLACE FUNCTION analytics_apply_sent(sent_run uuid[], sent_node text[], sent_cost bigint[]) RETURNS void LANGUAGE sql AS $$
  UPDATE run_summaries s SET messages_sent = s.messages_sent + p.n, cost_micros = s.cost_micros + p.cost
  FROM (
    SELECT run_id, count(*) AS n, sum(cost) AS cost FROM unnest(sent_run, sent_cost) AS t(run_id, cost) GROUP BY run_id
  ) p
  WHERE s.run_id = p.run_id;
  INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, messages_sent, cost_micros)
  SELECT s.workspace_id, s.journey_id, s.version, s.day, coalesce(m.node_id, ''), count(*), sum(m.cost)
  FROM unnest(sent_run, sent_node, sent_cost) AS m(run_id, node_id, cost) JOIN run_summaries s ON s.run_id = m.run_id
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET
    messages_sent = r.messages_sent + excluded.messages_sent, cost_micros = r.cost_micros + excluded.cost_micros;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_conversions_inserted() RETURNS trigger LANGUAGE plpgsql SET random_page_cost = 1.1 AS $$
BEGIN
  UPDATE run_summaries s SET converted = true, converted_at = n.converted_at, conversion_value = coalesce(n.value, 0)
  FROM new_rows n WHERE s.run_id = n.run_id;
  INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, converted)
  SELECT s.workspace_id, s.journey_id, s.version, s.day, m.node_id, count(*)
  FROM new_rows n JOIN messages m ON m.id = n.last_message_id JOIN run_summaries s ON s.run_id = n.run_id
  WHERE m.node_id IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET converted = r.converted + excluded.converted;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION analytics_conversions_updated() RETURNS trigger LANGUAGE plpgsql SET random_page_cost = 1.1 AS $$
BEGIN
  UPDATE run_summaries s SET converted_at = n.converted_at, conversion_value = coalesce(n.value, 0)
  FROM new_rows n WHERE s.run_id = n.run_id;
  WITH c AS (
    SELECT n.run_id, mn.node_id AS new_node, mo.node_id AS old_node
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    LEFT JOIN messages mn ON mn.id = n.last_message_id
    LEFT JOIN messages mo ON mo.id = o.last_message_id
  ),
  moves AS (
    SELECT run_id, new_node AS node_id, 1 AS d FROM c WHERE new_node IS NOT NULL
    UNION ALL
    SELECT run_id, old_node, -1 FROM c WHERE old_node IS NOT NULL
  )
  INSERT INTO journey_node_daily_rollups AS r (workspace_id, journey_id, version, day, node_id, converted)
  SELECT s.workspace_id, s.journey_id, s.version, s.day, m.node_id, sum(m.d)
  FROM moves m JOIN run_summaries s ON s.run_id = m.run_id
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (journey_id, version, day, node_id) DO UPDATE SET converted = r.converted + excluded.converted;
  RETURN NULL;
END $$;
