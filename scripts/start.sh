#!/usr/bin/env bash
# `npm start`: sets up what is missing, then runs the API and one worker in the foreground.
# Ctrl-C (or SIGTERM) stops both; if either dies, the other is stopped too.
set -euo pipefail
# shellcheck source=prepare.sh
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"

port="${PORT:-3000}"
node dist/main.js &
api=$!
# Warm grading containers: one per grading slot unless SANDBOX_GRADING_POOL_SIZE says otherwise.
node dist/worker.js &
worker=$!
trap 'kill -TERM "$api" "$worker" 2>/dev/null || true' INT TERM

for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break
  kill -0 "$api" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$api" 2>/dev/null; then
  cat >&2 <<MSG

  memgrade is running: http://localhost:$port   (API docs: http://localhost:$port/docs)
  Admin API key: the value of MEMGRADE_ADMIN_TOKEN if you set it; otherwise the key printed above
  at first start, also kept in $(pwd)/.memgrade/admin-token. Stop with Ctrl-C.

MSG
fi

# Whichever process ends first ends the platform.
status=0
wait -n "$api" "$worker" || status=$?
kill -TERM "$api" "$worker" 2>/dev/null || true
wait || true
exit "$status"
