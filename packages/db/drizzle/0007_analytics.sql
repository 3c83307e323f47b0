CREATE TABLE "analytics_event_names" (
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"seen" bigint DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_event_names_workspace_id_name_pk" PRIMARY KEY("workspace_id","name")
);
--> statement-breakpoint
CREATE TABLE "churn_models" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"fitted_at" timestamp with time zone NOT NULL,
	"calibration_end" timestamp with time zone NOT NULL,
	"customers" integer NOT NULL,
	"params" jsonb NOT NULL,
	"log_likelihood" double precision NOT NULL,
	"spend_log_likelihood" double precision,
	"fit_ms" integer NOT NULL,
	"horizon_days" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_dormancy_reasons" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"reason" text NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_predictions" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"model_id" bigint NOT NULL,
	"p_alive" double precision NOT NULL,
	"expected_purchases" double precision NOT NULL,
	"horizon_days" integer NOT NULL,
	"expected_order_value" double precision,
	"predicted_clv" double precision,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "experiments" (
	"workspace_id" text NOT NULL,
	"journey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"split_step_id" text NOT NULL,
	"control_arm" text NOT NULL,
	"auto_winner" boolean DEFAULT false NOT NULL,
	"alpha" double precision DEFAULT 0.05 NOT NULL,
	"tau" double precision DEFAULT 0.05 NOT NULL,
	"min_per_arm" integer DEFAULT 200 NOT NULL,
	"max_days" integer DEFAULT 30 NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"winner_arm" text,
	"decided_at" timestamp with time zone,
	"decision" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiments_journey_id_version_split_step_id_pk" PRIMARY KEY("journey_id","version","split_step_id")
);
--> statement-breakpoint
CREATE TABLE "journey_daily_rollups" (
	"workspace_id" text NOT NULL,
	"journey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"day" date NOT NULL,
	"holdout" boolean NOT NULL,
	"arm" text NOT NULL,
	"entered" integer DEFAULT 0 NOT NULL,
	"messaged" integer DEFAULT 0 NOT NULL,
	"messages_sent" integer DEFAULT 0 NOT NULL,
	"converted" integer DEFAULT 0 NOT NULL,
	"conversion_value" double precision DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"coupon_cents" bigint DEFAULT 0 NOT NULL,
	"spend_before" double precision DEFAULT 0 NOT NULL,
	"spend_before_converted" double precision DEFAULT 0 NOT NULL,
	"spend_after_entry" double precision DEFAULT 0 NOT NULL,
	"spend_after_entry_sq" double precision DEFAULT 0 NOT NULL,
	"spend_after_conversion" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "journey_daily_rollups_journey_id_version_day_holdout_arm_pk" PRIMARY KEY("journey_id","version","day","holdout","arm")
);
--> statement-breakpoint
CREATE TABLE "journey_node_daily_rollups" (
	"workspace_id" text NOT NULL,
	"journey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"day" date NOT NULL,
	"node_id" text NOT NULL,
	"reached" integer DEFAULT 0 NOT NULL,
	"left" integer DEFAULT 0 NOT NULL,
	"messages_sent" integer DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"converted" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "journey_node_daily_rollups_journey_id_version_day_node_id_pk" PRIMARY KEY("journey_id","version","day","node_id")
);
--> statement-breakpoint
CREATE TABLE "run_summaries" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"journey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"day" date NOT NULL,
	"holdout" boolean NOT NULL,
	"arm" text DEFAULT '' NOT NULL,
	"messages_sent" integer DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"coupon_cents" bigint DEFAULT 0 NOT NULL,
	"converted" boolean DEFAULT false NOT NULL,
	"converted_at" timestamp with time zone,
	"conversion_value" double precision DEFAULT 0 NOT NULL,
	"spend_before" double precision DEFAULT 0 NOT NULL,
	"spend_after_entry" double precision DEFAULT 0 NOT NULL,
	"spend_after_conversion" double precision DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_event_names" ADD CONSTRAINT "analytics_event_names_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_models" ADD CONSTRAINT "churn_models_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_dormancy_reasons" ADD CONSTRAINT "customer_dormancy_reasons_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_dormancy_reasons" ADD CONSTRAINT "customer_dormancy_reasons_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_predictions" ADD CONSTRAINT "customer_predictions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_predictions" ADD CONSTRAINT "customer_predictions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_journey_id_journeys_id_fk" FOREIGN KEY ("journey_id") REFERENCES "public"."journeys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_daily_rollups" ADD CONSTRAINT "journey_daily_rollups_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_daily_rollups" ADD CONSTRAINT "journey_daily_rollups_journey_id_journeys_id_fk" FOREIGN KEY ("journey_id") REFERENCES "public"."journeys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_node_daily_rollups" ADD CONSTRAINT "journey_node_daily_rollups_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_node_daily_rollups" ADD CONSTRAINT "journey_node_daily_rollups_journey_id_journeys_id_fk" FOREIGN KEY ("journey_id") REFERENCES "public"."journeys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_summaries" ADD CONSTRAINT "run_summaries_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_summaries" ADD CONSTRAINT "run_summaries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_summaries" ADD CONSTRAINT "run_summaries_journey_id_journeys_id_fk" FOREIGN KEY ("journey_id") REFERENCES "public"."journeys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "churn_models_workspace" ON "churn_models" USING btree ("workspace_id","fitted_at");--> statement-breakpoint
CREATE INDEX "customer_dormancy_reasons_workspace" ON "customer_dormancy_reasons" USING btree ("workspace_id","reason");--> statement-breakpoint
CREATE INDEX "customer_predictions_workspace_p_alive" ON "customer_predictions" USING btree ("workspace_id","p_alive");--> statement-breakpoint
CREATE INDEX "experiments_workspace" ON "experiments" USING btree ("workspace_id","status");--> statement-breakpoint
CREATE INDEX "run_summaries_journey" ON "run_summaries" USING btree ("journey_id","version","day");