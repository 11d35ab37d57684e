#!/usr/bin/env bash
# Makes sure Debian's flake8 (python3-flake8, for Debian's /usr/bin/python3) is there for
# `npm run lint:harness`. Skipped when it already runs. Debian 12 packages no ruff: README, "Linters".
set -euo pipefail
log() { printf 'python-lint-up: %s\n' "$*" >&2; }

if /usr/bin/python3 -m flake8 --version >/dev/null 2>&1; then
  exit 0
fi
if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
  log "error: flake8 is missing and this is not Debian as root: install python3-flake8"
  exit 1
fi
log "installing flake8 (apt-get)"
packages=(python3-flake8)
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${packages[@]}" >&2 \
  || { apt-get update >&2 && apt-get install -y --no-install-recommends "${packages[@]}" >&2; } \
  || { log "error: apt-get install ${packages[*]} failed"; exit 1; }
