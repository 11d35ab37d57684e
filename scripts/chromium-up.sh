#!/usr/bin/env bash
# Makes sure a headless Chromium is there for the browser tests (test/web): Debian's package, with
# a font so that pages render text. Skipped when CHROMIUM_PATH (or /usr/bin/chromium) already runs.
set -euo pipefail
log() { printf 'chromium-up: %s\n' "$*" >&2; }

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
fonts="$(fc-list 2>/dev/null || true)"
if [[ -x $chromium ]] && grep -qi 'liberation\|dejavu' <<<"$fonts"; then
  exit 0
fi
if [[ -n "${CHROMIUM_PATH:-}" && ! -x $CHROMIUM_PATH ]]; then
  log "error: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  exit 1
fi
if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
  log "error: Chromium is missing and this is not Debian as root: install chromium, or set CHROMIUM_PATH"
  exit 1
fi
log "installing Chromium and a font (apt-get)"
packages=(chromium fonts-liberation)
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${packages[@]}" >&2 \
  || { apt-get update >&2 && apt-get install -y --no-install-recommends "${packages[@]}" >&2; } \
  || { log "error: apt-get install ${packages[*]} failed"; exit 1; }
