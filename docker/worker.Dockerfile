# The Temporal worker (apps/worker): polls the task queue of each workspace it serves (WAKEFLOW_WORKSPACES, else
# every workspace in the database) and drains the event outbox. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t wakeflow-worker .
# It has no HTTP port, so no health check: Temporal's task-queue pollers show whether it is there (docs/deploy.md).
# Several worker containers may run at once: see docs/deploy.md, "What runs N times".
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG PNPM_VERSION=10.34.9
RUN npm install -g pnpm@${PNPM_VERSION}
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile

# Debian, not Alpine: the Temporal worker's native core needs glibc.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
# The tsx CLI, as scripts/start.ts runs the apps (`node --import tsx` upsets async hooks in Temporal's worker threads).
CMD ["node_modules/.bin/tsx", "apps/worker/src/main.ts"]
