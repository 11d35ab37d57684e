#!/usr/bin/env bash
# Prepares an earlier commit of memgrade beside this one, for benches that compare before and after
# side by side in one run: its sources (git archive, no worktree), this checkout's node_modules
# (later commits only added packages), its Prisma client, its compiled dist/ and its sandbox image.
# Prints "<directory> <sandbox image tag>" on stdout; everything else goes to stderr. Idempotent.
#
#   scripts/baseline-tree.sh <commit>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit="$(git -C "$root" rev-parse --verify "${1:?usage: baseline-tree.sh <commit>}^{commit}")"
dir="$root/.memgrade/baseline/${commit:0:12}"

if [[ ! -f "$dir/.ready" ]]; then
  rm -rf "$dir" && mkdir -p "$dir"
  git -C "$root" archive "$commit" | tar -x -C "$dir"
  ln -s "$root/node_modules" "$dir/node_modules"
  (cd "$dir" && PRISMA_SCHEMA_ENGINE_BINARY=/bin/true npx prisma generate >&2 && npx tsc -p tsconfig.build.json >&2)
  touch "$dir/.ready"
fi
image="$(cd "$dir" && bash scripts/sandbox-image.sh)"
echo "$dir $image"
