-- customer_daily_activity is derived data (see its schema comment): its foreign keys cost two lookups per new row.
ALTER TABLE "customer_daily_activity" DROP CONSTRAINT "customer_daily_activity_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "customer_daily_activity" DROP CONSTRAINT "customer_daily_activity_customer_id_customers_id_fk";
