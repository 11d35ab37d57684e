#!/usr/bin/env bash
# Makes sure a Docker engine answers, and starts one if none does. Idempotent; instant when up.
#
# - DOCKER_HOST set: that engine is used as it is (nothing is started); it must answer.
# - otherwise the local socket is tried; if nothing answers and this is Debian as root, docker.io is
#   installed when missing and dockerd is started in the background without a bridge or iptables
#   (sandboxes run with no network, so neither is needed), logging to $MEMGRADE_DOCKERD_LOG.
#
# Environment: DOCKER_HOST, DOCKER_UP_TIMEOUT (seconds to wait for the engine, default 60),
# MEMGRADE_DOCKERD_LOG (default /var/log/memgrade-dockerd.log).
set -euo pipefail
# shellcheck source=detach.sh
source "$(dirname "${BASH_SOURCE[0]}")/detach.sh"

timeout_s="${DOCKER_UP_TIMEOUT:-60}"
log_file="${MEMGRADE_DOCKERD_LOG:-/var/log/memgrade-dockerd.log}"

log() { printf 'docker-up: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

answers() { command -v docker >/dev/null && timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then
  exit 0
fi

if [[ -n "${DOCKER_HOST:-}" ]]; then
  die "DOCKER_HOST=$DOCKER_HOST does not answer (docker version failed); start that engine or unset DOCKER_HOST"
fi

[[ $(id -u) == 0 ]] || die "no Docker engine answers on /var/run/docker.sock and this is not root; start dockerd or set DOCKER_HOST"

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
  command -v apt-get >/dev/null || die "no Docker engine and no apt-get to install one; install Docker or set DOCKER_HOST"
  log "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends docker.io >&2 \
    || { apt-get update >&2 && apt-get install -y --no-install-recommends docker.io >&2; } \
    || die "apt-get install docker.io failed"
fi

# A dockerd may be starting already (another script got here first): only start one if none runs.
if ! pgrep -x dockerd >/dev/null; then
  log "starting dockerd (log: $log_file)"
  mkdir -p "$(dirname "$log_file")"
  # In a session of its own: stopping the platform (its process group) must not stop the engine.
  run_detached "$log_file" dockerd --iptables=false --ip6tables=false --bridge=none
fi

deadline=$((SECONDS + timeout_s))
until answers; do
  if ((SECONDS >= deadline)); then
    die "dockerd did not answer within ${timeout_s} s; last lines of $log_file:
$(tail -n 20 "$log_file" 2>/dev/null)"
  fi
  sleep 0.2
done
log "Docker engine is up ($(docker version --format '{{.Server.Version}}'))"
