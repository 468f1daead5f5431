# syntax=docker/dockerfile:1
# Node 24 (LTS): the package needs Node 22 or later (package.json engines).
# Build: compile TypeScript with the dev dependencies.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Run: production dependencies and the compiled app only, as the unprivileged `node` user.
FROM node:24-slim
# tini as PID 1: it passes SIGTERM (docker stop) on to the app and reaps any child process.
# On SIGTERM running reviews get G3DOC_REVIEW_SHUTDOWN_GRACE_MS (8 s) to finish, within docker stop's 10 s.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/app
ENV NODE_ENV=production LOG_FORMAT=json PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib ./lib
COPY app.yml ./
USER node
EXPOSE 3000
# Healthy while the HTTP server answers; node itself asks (the slim image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# What `npm start` runs, without npm in between. Needs APP_ID, WEBHOOK_SECRET and PRIVATE_KEY
# (or PRIVATE_KEY_PATH); see docs/app.md and .env.example.
CMD ["node", "--max-semi-space-size=8", "lib/server/main.js"]
