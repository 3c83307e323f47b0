# The API (apps/api): HTTP on API_PORT (3000), /healthz for the health check. Build from the repository root:
#   docker build -f docker/api.Dockerfile -t wakeflow-api .
# Like `pnpm start`, the app runs its TypeScript through tsx (the packages export their sources); it migrates
# DATABASE_URL at start under an advisory lock, so any number of API and worker containers may start together.
# See docs/deploy.md and docs/configuration.md for the environment.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG PNPM_VERSION=10.34.9
RUN npm install -g pnpm@${PNPM_VERSION}
WORKDIR /app
# Dependencies first, from the lockfile alone, so a source change does not download them again.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.API_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The tsx CLI, as scripts/start.ts runs the apps (`node --import tsx` upsets async hooks in Temporal's worker threads).
# Node flags for its backtests: the list in scripts/node-flags.ts.
CMD ["node_modules/.bin/tsx", "--max-semi-space-size=64", "apps/api/src/main.ts"]
