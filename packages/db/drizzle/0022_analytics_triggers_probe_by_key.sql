-- The analytics triggers join each statement's changed rows (transition tables) to run_summaries by run id. Costing
-- a random page at 4 sequential ones, the planner read the whole of run_summaries rather than probe its primary key,
-- and a trigger plan made for a batch of a thousand runs was kept by the session for single runs: at 100,000 runs a
-- one-run write took ~25 ms instead of ~1 ms, and the cost grew with every run ever entered. Costed as on SSD storage
-- (1.1, the usual value there), they probe by key at any table size. Set on these functions only: the server's own
-- setting stays as the operator chose it for every other query.
ALTER FUNCTION analytics_runs_inserted() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_runs_updated() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_steps_inserted() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_steps_updated() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_summaries_inserted() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_summaries_updated() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_messages_inserted() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_messages_updated() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_coupons_inserted() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_coupons_updated() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_conversions_inserted() SET random_page_cost = 1.1;
--> statement-breakpoint
ALTER FUNCTION analytics_conversions_updated() SET random_page_cost = 1.1;
