-- The run starters read the past runs of a page's customers in a journey, whatever the version
-- (`journey_id = $1 and customer_id = any($2)`). Led by (journey_id, version), the unique index served that read
-- only by walking every run of the journey: under the journey's entry lock, a 1,000-customer page of a
-- million-customer entry read more with each page (0.11 s a page at 100,000 runs, 0.88 s at 330,000, on a server
-- with autovacuum off). Led by (journey_id, customer_id), it finds each customer's runs directly. The same columns,
-- so the same uniqueness; the new index is built before the old one goes, so it is never missing.
CREATE UNIQUE INDEX "runs_journey_customer_version_entry" ON "runs" USING btree ("journey_id","customer_id","version","entry");--> statement-breakpoint
DROP INDEX "runs_journey_version_customer_entry";
