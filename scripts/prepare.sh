#!/usr/bin/env bash
# Everything `npm start` and `npm test` share: npm dependencies, the Prisma client, the build,
# the configuration check, Postgres, Redis, migrations, flake8 (for `npm run lint:harness`), the Docker
# engine and the sandbox image.
# Each step is skipped when it is already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=env-defaults.sh
source scripts/env-defaults.sh

log() { printf 'prepare: %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
((node_major >= 20)) || { log "error: Node.js 20.19 or newer is needed (found $(node --version 2>/dev/null || echo none))"; exit 1; }

# npm dependencies, when package-lock.json changed since the last install. `npm install` (not
# `npm ci`): the npm 11 of our machines writes lock files that leave out other platforms' optional
# packages, which `npm ci` then refuses; `npm install` installs the locked versions all the same.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error >&2
fi

# The Prisma client and the build, when a source changed. `prisma generate` needs the path of a
# schema engine only to exist; the engine itself is a download we do not have (README, "Database and migrations").
stamp=dist/.build-stamp
if [[ ! -f $stamp ]] || [[ -n "$(find src prisma package-lock.json tsconfig*.json -newer "$stamp" -print -quit)" ]]; then
  log "generating the Prisma client and building"
  PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(type -P true)}" npx prisma generate >/dev/null 2>&1 \
    || PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(type -P true)}" npx prisma generate >&2
  rm -rf dist && npx tsc -p tsconfig.build.json
  touch "$stamp"
fi

# The web pages (web/ → web/dist), rebuilt only when a file under web/ or package-lock.json changed.
node web/build.mjs --if-changed

# One line naming the bad variable, before anything is installed or started with it.
node dist/config/config.check.js

bash scripts/services-up.sh
bash scripts/python-lint-up.sh
node dist/database/migrate.cli.js >&2
bash scripts/docker-up.sh
export SANDBOX_IMAGE="${SANDBOX_IMAGE:-$(bash scripts/sandbox-image.sh)}"
