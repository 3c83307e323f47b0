CREATE TABLE "audience_sweeps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"journey_id" uuid NOT NULL,
	"sweep_key" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"reason" text,
	"scanned" integer DEFAULT 0 NOT NULL,
	"matched" integer DEFAULT 0 NOT NULL,
	"started" integer DEFAULT 0 NOT NULL,
	"cursor" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "customer_daily_activity" (
	"workspace_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"day" date NOT NULL,
	"activity_count" integer DEFAULT 0 NOT NULL,
	"login_count" integer DEFAULT 0 NOT NULL,
	"purchase_count" integer DEFAULT 0 NOT NULL,
	"spend" numeric(14, 2) DEFAULT 0 NOT NULL,
	CONSTRAINT "customer_daily_activity_customer_id_day_pk" PRIMARY KEY("customer_id","day")
);
--> statement-breakpoint
CREATE TABLE "journey_audience_members" (
	"workspace_id" text NOT NULL,
	"journey_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"entries" integer DEFAULT 0 NOT NULL,
	"last_entered_at" timestamp with time zone,
	"last_matched_sweep" bigint,
	"previous_matched_sweep" bigint,
	CONSTRAINT "journey_audience_members_journey_id_customer_id_pk" PRIMARY KEY("journey_id","customer_id")
);
--> statement-breakpoint
DROP INDEX "runs_journey_customer_entry";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "rfm_recency" smallint;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "rfm_frequency" smallint;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "rfm_monetary" smallint;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "value_tier" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "rfm_computed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "journey_versions" ADD COLUMN "trigger_type" text NOT NULL;--> statement-breakpoint
ALTER TABLE "journey_versions" ADD COLUMN "trigger_event" text;--> statement-breakpoint
ALTER TABLE "journey_versions" ADD COLUMN "listens_to" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "audience_sweeps" ADD CONSTRAINT "audience_sweeps_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audience_sweeps" ADD CONSTRAINT "audience_sweeps_journey_id_journeys_id_fk" FOREIGN KEY ("journey_id") REFERENCES "public"."journeys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_daily_activity" ADD CONSTRAINT "customer_daily_activity_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_daily_activity" ADD CONSTRAINT "customer_daily_activity_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_audience_members" ADD CONSTRAINT "journey_audience_members_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_audience_members" ADD CONSTRAINT "journey_audience_members_journey_id_journeys_id_fk" FOREIGN KEY ("journey_id") REFERENCES "public"."journeys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_audience_members" ADD CONSTRAINT "journey_audience_members_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audience_sweeps_key" ON "audience_sweeps" USING btree ("workspace_id","sweep_key");--> statement-breakpoint
CREATE INDEX "audience_sweeps_journey" ON "audience_sweeps" USING btree ("journey_id","started_at");--> statement-breakpoint
CREATE INDEX "customers_workspace_tier_last_login" ON "customers" USING btree ("workspace_id","value_tier","last_login_at");--> statement-breakpoint
CREATE INDEX "journey_versions_trigger_event" ON "journey_versions" USING btree ("workspace_id","trigger_event");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_journey_version_customer_entry" ON "runs" USING btree ("journey_id","version","customer_id","entry");