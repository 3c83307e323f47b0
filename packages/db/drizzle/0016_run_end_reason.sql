-- Runs that end without an exit keep why (a failure's message, or how the reconciler found the workflow closed);
-- checked_at lets the run reconciler visit the least recently checked open runs first.
ALTER TABLE "runs" ADD COLUMN "ended_reason" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "checked_at" timestamp with time zone;