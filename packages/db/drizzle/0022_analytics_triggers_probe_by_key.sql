-- The analytics triggers join each statement's changed rows (transition tables) to run_summaries by run id. Costing
-- a random page at 4 sequential ones, the planner read the whole of run_summaries rather than probe its primary key,
-- and a trigger plan made for a batch of a thousand runs was kept by the session for single runs: at 100,000 runs a
-- one-run write took ~25 ms instead of ~1 ms, and the cost grew with every run ever entered. Costed as on SSD storage
-- (1.1, the usual value there), they probe by key at any table size. Set on these functions only: the server's own
-- setting stays as the operator chose it for every other query.
DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
    'analytics_runs_inserted',
    'analytics_runs_updated',
    'analytics_steps_inserted',
    'analytics_steps_updated',
    'analytics_summaries_inserted',
    'analytics_summaries_updated',
    'analytics_messages_inserted',
    'analytics_messages_updated',
    'analytics_coupons_inserted',
    'analytics_coupons_updated',
    'analytics_conversions_inserted',
    'analytics_conversions_updated'
  ] LOOP
    EXECUTE format('ALTER FUNCTION %I() SET random_page_cost = 1.1', f);
  END LOOP;
END $$;
