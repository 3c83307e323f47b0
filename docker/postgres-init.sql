-- Runs once, when the container creates its data volume. The app works as wakeflow_app (docs/security.md,
-- "Database role"); its migrations create the role without a password, and this server asks for one on TCP, so it
-- gets the same development password as the superuser: DATABASE_URL with the user swapped then logs in.
CREATE ROLE wakeflow_app LOGIN PASSWORD 'postgres';
