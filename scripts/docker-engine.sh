#!/usr/bin/env bash
# Starts (or stops) an extra Docker engine on this machine, as a second worker host would have:
# its own socket, data root, exec root (and so its own managed containerd), pid file and log, and no
# bridge or iptables (sandbox containers run with NetworkMode none, as on the main engine started by
# scripts/docker-up.sh, so a second bridge would only clash with the first). It then loads the
# sandbox image into it from the main engine (docker save | docker load), so both run the same image.
#
#   scripts/docker-engine.sh up [N]     start engine N (default 2) if it does not answer; print its DOCKER_HOST
#   scripts/docker-engine.sh down [N]   stop engine N (SIGTERM to the pid in its pid file, then wait)
#   scripts/docker-engine.sh kill [N]   SIGKILL engine N and its containerd (a host lost, for the chaos tests)
#
# Engine N listens on unix:///run/memgrade-docker-N.sock, keeps its images and containers in
# /var/lib/memgrade-docker-N, its runtime state in /run/memgrade-docker-N, its pid in
# /run/memgrade-docker-N.pid and logs to /var/log/memgrade-docker-N.log. Needs root and dockerd.
# Environment: DOCKER_HOST (the main engine the image comes from; default the local socket),
# SANDBOX_IMAGE (image to load; default the tag scripts/sandbox-image.sh prints),
# DOCKER_UP_TIMEOUT (seconds to wait for the engine, default 60).
set -euo pipefail
# shellcheck source=detach.sh
source "$(dirname "${BASH_SOURCE[0]}")/detach.sh"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action="${1:-up}"
n="${2:-2}"
[[ "$n" =~ ^[0-9]+$ && "$n" -ge 2 ]] || { echo "docker-engine: the engine number must be 2 or more (1 is the main engine)" >&2; exit 2; }

name="memgrade-docker-$n"
socket="/run/$name.sock"
data_root="/var/lib/$name"
exec_root="/run/$name"
pid_file="/run/$name.pid"
log_file="/var/log/$name.log"
host="unix://$socket"
timeout_s="${DOCKER_UP_TIMEOUT:-60}"

log() { printf 'docker-engine %s: %s\n' "$n" "$*" >&2; }
die() { log "error: $*"; exit 1; }
answers() { timeout 10 docker -H "$host" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
engine_pid() { [[ -s "$pid_file" ]] && cat "$pid_file"; }

case "$action" in
  up)
    [[ $(id -u) == 0 ]] || die "starting a Docker engine needs root"
    command -v dockerd >/dev/null || die "no dockerd (bash scripts/docker-up.sh installs docker.io)"
    if ! answers; then
      # A pid file left by an engine that was killed would stop dockerd from starting.
      if pid=$(engine_pid) && ! kill -0 "$pid" 2>/dev/null; then rm -f "$pid_file"; fi
      mkdir -p "$data_root" "$exec_root"
      log "starting dockerd on $socket (data $data_root, log $log_file)"
      run_detached "$log_file" dockerd \
        --host "$host" --data-root "$data_root" --exec-root "$exec_root" --pidfile "$pid_file" \
        --iptables=false --ip6tables=false --bridge=none
      deadline=$((SECONDS + timeout_s))
      until answers; do
        ((SECONDS < deadline)) || die "dockerd did not answer within ${timeout_s} s; last lines of $log_file:
$(tail -n 20 "$log_file" 2>/dev/null)"
        sleep 0.2
      done
    fi
    image="${SANDBOX_IMAGE:-$(bash "$root/scripts/sandbox-image.sh")}"
    if ! docker -H "$host" image inspect "$image" >/dev/null 2>&1; then
      log "loading $image from the main engine"
      docker save "$image" | docker -H "$host" load >&2
    fi
    echo "$host"
    ;;
  down | kill)
    pid=$(engine_pid) || { log "not running (no $pid_file)"; exit 0; }
    if [[ "$action" == kill ]]; then
      # The whole engine at once, as when its host is lost: dockerd, its containerd, the shims and
      # every process of its containers (found by their cgroups, cgroupfs driver, v1 or v2).
      containers=$(docker -H "$host" ps -q --no-trunc 2>/dev/null || true)
      containerd_pid=$(cat "$exec_root/containerd/containerd.pid" 2>/dev/null || true)
      kill -KILL "$pid" 2>/dev/null || true
      [[ -n "$containerd_pid" ]] && kill -KILL "$containerd_pid" 2>/dev/null || true
      # The shims of its containers (their containers keep running without them otherwise).
      for shim in $(pgrep -f "containerd-shim.*-address $exec_root/containerd/containerd.sock" || true); do kill -KILL "$shim" 2>/dev/null || true; done
      for id in $containers; do
        for procs in /sys/fs/cgroup/pids/docker/"$id"/cgroup.procs /sys/fs/cgroup/docker/"$id"/cgroup.procs; do
          [[ -r "$procs" ]] && xargs -r kill -KILL <"$procs" 2>/dev/null || true
        done
      done
    else
      kill -TERM "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && die "dockerd $pid did not stop"
    rm -f "$pid_file"
    log "stopped"
    ;;
  *) die "usage: $0 up|down|kill [N]" ;;
esac
