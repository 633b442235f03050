# ers-bridge container image: multi-stage build, non-root user, data on a volume.
#   docker build -t ers-bridge .          (no registry here? scripts/image-build.sh: docs/container.md)
#   docker run -p 8080:8080 -p 2575:2575 -v ers-data:/data ers-bridge
# Mount your own channels/mappings over /app/channels and /app/mappings, and pass secrets as
# environment variables or mounted files (never baked into the image). The first start creates
# the dashboard user admin and writes its password to /data/initial-admin-password (0600).

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# npm ci runs it; with no src/ here yet it only records the install (the build comes below).
COPY scripts/postinstall.mjs ./scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Only what `npm run build` runs: an edit to another script does not redo the compile.
COPY scripts/copy-assets.mjs ./scripts/
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
# A 2 MB young generation instead of V8's 16 MB: measured (npm run bench -- file-drop) it keeps a
# 100,000-row drop under 150 MB peak RSS (134-141 MB against 167-179 MB) at a row rate within
# run-to-run noise of the default's; the MLLP CPU ceiling (BENCH_MEM=1) did not move either.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=2" \
    ERS_BRIDGE_DATA_DIR=/data \
    ERS_BRIDGE_HTTP_HOST=0.0.0.0 \
    ERS_BRIDGE_MLLP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json settings.yaml ./
# The package's bin entry (bin/ers-bridge.js), also on PATH: `docker exec … ers-bridge messages list`.
COPY bin ./bin
COPY scripts/image-healthcheck.mjs ./scripts/
COPY channels ./channels
COPY mappings ./mappings
COPY assets ./assets
# /data/drop exists so a volume mounted there (compose.yaml's shared drop folder) starts out
# owned by node, as a fresh named volume takes the owner of the folder it is mounted over.
RUN mkdir -p /data/drop && chown -R node:node /data \
    && ln -s /app/bin/ers-bridge.js /usr/local/bin/ers-bridge
USER node
VOLUME ["/data"]
# Admin API and dashboard, MLLP (the shipped channel binds 127.0.0.1 outside a container; inside it
# must take the published port, hence ERS_BRIDGE_MLLP_HOST above). The embedded e-RS sandbox (8090) listens on loopback unless
# ERS_BRIDGE_SANDBOX_HOST=0.0.0.0 is set; only then does publishing it (-p 8090:8090) reach it.
EXPOSE 8080 2575
# Reads the configured HTTP port (settings.yaml, ERS_BRIDGE_HTTP_PORT), not a fixed 8080.
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "scripts/image-healthcheck.mjs", "/app"]
CMD ["node", "dist/cli/main.js", "start", "--config", "/app"]
