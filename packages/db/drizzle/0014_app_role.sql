-- The role the application works as (docs/security.md, "Database role"). Migrations keep running as the owner of
-- the tables; the API and worker connect as wakeflow_app, which owns nothing. A table's owner can disable its
-- triggers and a superuser can skip them (session_replication_role = replica), so audit_log's append-only trigger
-- (0009) binds only a role that is neither: this one, which also lacks UPDATE, DELETE and TRUNCATE on audit_log.
--
-- Roles belong to the whole server, not to one database: many databases (one per test file) migrate at the same
-- time on one server, and an operator may have created the role already, with a password (managed PostgreSQL).
DO $$
DECLARE
  r pg_roles%ROWTYPE;
BEGIN
  IF current_user = 'wakeflow_app' THEN
    RAISE EXCEPTION 'migrations must run as the owner of the tables (DATABASE_URL), not as wakeflow_app';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wakeflow_app') THEN
    BEGIN
      CREATE ROLE wakeflow_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database's migration created it a moment ago
    END;
  END IF;
  SELECT * INTO r FROM pg_roles WHERE rolname = 'wakeflow_app';
  -- Only when needed: concurrent ALTER ROLEs of one role fail with "tuple concurrently updated".
  IF r.rolsuper OR r.rolcreatedb OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls OR NOT r.rolcanlogin THEN
    ALTER ROLE wakeflow_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
  -- A member of the owner's role would act with the owner's rights.
  IF pg_has_role('wakeflow_app', current_user, 'MEMBER') THEN
    RAISE EXCEPTION 'wakeflow_app is a member of %, the owner of the tables: revoke that membership', current_user;
  END IF;
  -- Before PostgreSQL 15 every role may create objects in schema public, and an object the app role plants there
  -- could be picked up by the owner's later statements. Only the schema's owner can take that right away.
  IF pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'USAGE') THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  END IF;
END $$;
--> statement-breakpoint
-- Exactly what the app needs, whatever the role held before: rows of every table, the serial ids' sequences.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM wakeflow_app;
--> statement-breakpoint
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM wakeflow_app;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO wakeflow_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO wakeflow_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO wakeflow_app;
--> statement-breakpoint
-- The audit log is written and read, never changed (TRUNCATE was never granted).
REVOKE UPDATE, DELETE ON "audit_log" FROM wakeflow_app;
--> statement-breakpoint
-- Tables and sequences that later migrations create (as this same owner) get the same grants. A later append-only
-- table must revoke UPDATE and DELETE as above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO wakeflow_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO wakeflow_app;
--> statement-breakpoint
-- The RFM recompute stages its changes in a table that several connections read at once, so it cannot be a
-- temporary table (those are private to one session). The app creates such tables here, in a schema of their own
-- that is on no one's search_path, rather than in public, where they would sit among the owner's tables.
CREATE SCHEMA IF NOT EXISTS wakeflow_stage;
--> statement-breakpoint
GRANT USAGE, CREATE ON SCHEMA wakeflow_stage TO wakeflow_app;
