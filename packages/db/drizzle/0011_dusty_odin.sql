CREATE TABLE "dormancy_daily_snapshots" (
	"workspace_id" text NOT NULL,
	"day" date NOT NULL,
	"stage" text NOT NULL,
	"value_tier" text NOT NULL,
	"customers" integer NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dormancy_daily_snapshots_workspace_id_day_stage_value_tier_pk" PRIMARY KEY("workspace_id","day","stage","value_tier")
);
--> statement-breakpoint
ALTER TABLE "dormancy_daily_snapshots" ADD CONSTRAINT "dormancy_daily_snapshots_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;