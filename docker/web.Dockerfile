# The editor (apps/web), built with Vite and served by nginx, which passes /api to the API. Build from the root:
#   docker build -f docker/web.Dockerfile -t wakeflow-web .
# The security headers are the ones the API sends with the built app (apps/web/security-headers.ts), written out
# for nginx at build time by scripts/web-nginx-headers.ts. API_UPSTREAM (default api:3000) is where /api goes.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG PNPM_VERSION=10.34.9
RUN npm install -g pnpm@${PNPM_VERSION}
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm --filter @wakeflow/web build \
 && pnpm exec tsx scripts/web-nginx-headers.ts > /app/security-headers.conf

# nginx as an unprivileged user, listening on 8080.
FROM nginxinc/nginx-unprivileged:1.27-alpine
ENV API_UPSTREAM=api:3000
COPY docker/web.nginx.conf /etc/nginx/templates/default.conf.template
COPY --from=build /app/security-headers.conf /etc/nginx/wakeflow-security-headers.conf
COPY --from=build /app/apps/web/dist /usr/share/nginx/html
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
