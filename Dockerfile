# syntax=docker/dockerfile:1
# Policy Enforcement Service: see docs/deploy.md.

# Build: compile the TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workers ./workers
RUN npx tsc -p tsconfig.json

# Runtime: production dependencies, the compiled code, the migrations and the desk's static files,
# run by the image's unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    PES_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency of the service needs an install script (only esbuild, a dev dependency, has one).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY web ./web
RUN mkdir -p /data && chown node:node /data
USER node
# Only used without DATABASE_URL (embedded PGlite).
VOLUME ["/data"]
EXPOSE 8080
# Ready = database reachable, workers up, policies loaded. The image has no curl; Node 20 has fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains in-flight validations (PES_SHUTDOWN_GRACE_MS) and exits 0.
STOPSIGNAL SIGTERM
# HOST=0.0.0.0 refuses to start without PES_API_KEYS: set them (see docs/deploy.md).
# The node flags of npm start: each thread collects its own garbage, V8's background work keeps to one
# core, and no compaction runs just because the load is light (docs/deploy.md, "V8's helper threads"
# and "No idle-time compaction").
CMD ["node", "--single-threaded-gc", "--v8-pool-size=1", "--no-memory-reducer", "dist/src/main.js"]
