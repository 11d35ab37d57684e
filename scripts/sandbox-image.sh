#!/usr/bin/env bash
# Builds the sandbox image from sandbox/ and prints its tag, memgrade-sandbox:<content hash>, on stdout
# (everything else goes to stderr). Idempotent and quick when the image is current: the tag is a hash
# of sandbox/'s files, so an unchanged directory means an existing image and no docker build.
#
#   scripts/sandbox-image.sh             build if missing, print the tag
#   scripts/sandbox-image.sh --tag-only  print the tag without touching Docker
#
# Base image: debian:bookworm-slim when it is present or can be pulled; otherwise (no registry
# reachable) a minimal Debian made once with debootstrap from the mirror in this machine's own apt
# sources, imported as a local image and reused afterwards.
#
# Environment: DOCKER_HOST (as for docker), MEMGRADE_SANDBOX_BASE (use this base image as is),
# MEMGRADE_DEBIAN_MIRROR (mirror URL for debootstrap instead of the one in the apt sources).
# src/sandbox/sandbox-image.ts computes the same hash; change both together.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
context="$root/sandbox"
upstream_base="debian:bookworm-slim"
local_base="memgrade-debian-base:bookworm-minbase"

log() { printf 'sandbox-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ -f "$context/Dockerfile" ]] || die "no Dockerfile in $context"

# sha256 over "<sha256 of file>  ./<path>" lines of every file, sorted bytewise by path; byte-code
# caches are skipped (sandbox/.dockerignore leaves them out of the build too).
content_hash() {
  (cd "$context" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 \
    | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-16)
}

tag="memgrade-sandbox:$(content_hash)"
if [[ "${1:-}" == "--tag-only" ]]; then
  echo "$tag"
  exit 0
fi

command -v docker >/dev/null || die "docker CLI not found (run scripts/docker-up.sh)"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

# One build at a time per machine: parallel test workers or workers starting together wait here.
lock="${TMPDIR:-/tmp}/memgrade-sandbox-image.lock"
exec 9>"$lock"
flock 9
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

# The first URI of an apt source that serves bookworm itself (not -security/-updates), from the
# deb822 *.sources files or a one-line sources.list. Nothing about a mirror is written in the repo.
debian_mirror() {
  if [[ -n "${MEMGRADE_DEBIAN_MIRROR:-}" ]]; then
    echo "$MEMGRADE_DEBIAN_MIRROR"
    return
  fi
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] || continue
    awk '
      function flush() { if (uri != "" && suites ~ /(^| )bookworm( |$)/ && !found) { print uri; found = 1 } uri = ""; suites = "" }
      /^[ \t]*$/ { flush(); next }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { $1 = ""; suites = $0; sub(/^ /, "", suites) }
      END { flush() }
    ' "$file"
  done | head -n1 | grep . && return
  if [[ -f /etc/apt/sources.list ]]; then
    awk '$1 == "deb" { sub(/^deb[ \t]+(\[[^]]*\][ \t]+)?/, ""); if ($2 == "bookworm") { print $1; exit } }' /etc/apt/sources.list \
      | grep . && return
  fi
  return 1
}

make_local_base() {
  command -v debootstrap >/dev/null || {
    [[ $(id -u) == 0 ]] || die "debootstrap is missing and this is not root"
    log "installing debootstrap"
    apt-get install -y debootstrap >&2 || { apt-get update >&2 && apt-get install -y debootstrap >&2; }
  }
  local mirror dir started
  mirror="$(debian_mirror)" || die "no Debian bookworm mirror in /etc/apt/sources*; set MEMGRADE_DEBIAN_MIRROR"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/memgrade-debootstrap.XXXXXX")"
  trap 'rm -rf "$dir"' EXIT
  started=$SECONDS
  log "making base image $local_base with debootstrap from $mirror (once per machine)"
  debootstrap --variant=minbase bookworm "$dir" "$mirror" >&2 \
    || die "debootstrap failed (see above)"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | docker import --change 'CMD ["/bin/bash"]' - "$local_base" >&2
  rm -rf "$dir"
  trap - EXIT
  log "base image made in $((SECONDS - started)) s"
}

choose_base() {
  if [[ -n "${MEMGRADE_SANDBOX_BASE:-}" ]]; then
    echo "$MEMGRADE_SANDBOX_BASE"
  elif docker image inspect "$upstream_base" >/dev/null 2>&1; then
    echo "$upstream_base"
  elif docker image inspect "$local_base" >/dev/null 2>&1; then
    echo "$local_base"
  elif timeout 30 docker pull -q "$upstream_base" >&2 2>/dev/null; then
    echo "$upstream_base"
  else
    log "cannot pull $upstream_base; using a local Debian base instead"
    make_local_base
    echo "$local_base"
  fi
}

base="$(choose_base)"
started=$SECONDS
log "building $tag from $base"
# --network host: the daemon may run without a bridge (--bridge=none), and apt needs the mirror.
DOCKER_BUILDKIT=0 docker build --network host --build-arg "BASE=$base" \
  --label memgrade.sandbox.image=1 -t "$tag" "$context" >&2 \
  || die "docker build failed (see above)"
log "built $tag in $((SECONDS - started)) s"
echo "$tag"
