#!/usr/bin/env bash
# Makes sure Postgres and Redis answer at DATABASE_URL and REDIS_URL. Idempotent; well under a
# second when both are up.
#
# - A URL the user gave is used as it is: it must answer, nothing is installed or started.
# - With the defaults (scripts/env-defaults.sh) on Debian or Ubuntu as root, a missing server is
#   installed with apt, started, and memgrade's role (allowed to create the test database) and
#   database are created.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=env-defaults.sh
source "$here/env-defaults.sh"
# shellcheck source=detach.sh
source "$here/detach.sh"

log() { printf 'services-up: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

apt_install() {
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || die "$1 is not installed and this is not Debian as root: install it, or point $2 at a running one"
  log "installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${@:3}" >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends "${@:3}" >&2; } \
    || die "apt-get install ${*:3} failed"
}

wait_for() { # what, seconds, command...
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what did not come up in time"
    sleep 0.2
  done
}

# --- Postgres -------------------------------------------------------------------------------------
postgres_answers() { psql "$DATABASE_URL" -Atqc 'SELECT 1' >/dev/null 2>&1; }

if ! command -v psql >/dev/null; then
  [[ -n "${MEMGRADE_OWN_POSTGRES:-}" ]] && apt_install postgresql DATABASE_URL postgresql || apt_install postgresql-client DATABASE_URL postgresql-client
fi

if ! postgres_answers; then
  [[ -n "${MEMGRADE_OWN_POSTGRES:-}" ]] || die "DATABASE_URL does not answer (psql could not connect); start that server or unset DATABASE_URL"
  command -v pg_ctlcluster >/dev/null || apt_install postgresql DATABASE_URL postgresql
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    [[ -n "$version" ]] || die "postgresql is installed but has no cluster in /etc/postgresql"
    log "starting PostgreSQL $version"
    # In a session of its own (setsid --wait returns pg_ctlcluster's status once the server runs):
    # stopping the platform must not stop the database.
    setsid --wait pg_ctlcluster --skip-systemctl-redirect "$version" main start </dev/null >&2 || die "could not start PostgreSQL $version"
    wait_for PostgreSQL 30 pg_isready -q -h 127.0.0.1 -p 5432
  fi
  log "creating role and database memgrade"
  runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt >/dev/null <<'SQL' || die "could not create the memgrade role and database"
SELECT 'CREATE ROLE memgrade LOGIN CREATEDB PASSWORD ''memgrade''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'memgrade')\gexec
SELECT 'CREATE DATABASE memgrade OWNER memgrade' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'memgrade')\gexec
SQL
  wait_for "PostgreSQL at DATABASE_URL" 10 postgres_answers
fi

# --- Redis ----------------------------------------------------------------------------------------
redis_answers() { [[ "$(redis-cli -u "$REDIS_URL" ping 2>/dev/null)" == PONG ]]; }

command -v redis-cli >/dev/null || apt_install redis REDIS_URL redis-tools

if ! redis_answers; then
  [[ -n "${MEMGRADE_OWN_REDIS:-}" ]] || die "REDIS_URL does not answer (redis-cli ping failed); start that server or unset REDIS_URL"
  command -v redis-server >/dev/null || apt_install redis REDIS_URL redis-server
  log "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  # Daemonized in a session of its own: stopping the platform must not stop Redis.
  setsid --wait redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir /var/lib/redis \
    --logfile /var/log/redis/memgrade.log </dev/null >&2 || die "could not start redis-server"
  wait_for Redis 15 redis_answers
fi
